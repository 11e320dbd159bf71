-- I3 / C9: the photo link an Open311 client (or the JSON API) sends with a report
-- (GeoReport v2 `media_url`); shown back as the request's media_url.
ALTER TABLE cases ADD COLUMN media_url TEXT;
