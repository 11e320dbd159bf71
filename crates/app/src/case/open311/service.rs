//! What GeoReport v2 calls services and service definitions, derived from the street's category
//! catalogue (C2): one service per active leaf category, its group the parent category, its
//! attributes the questions that category really needs answered.

use onegrid_domain::case::{Catalogue, Category, CategoryKind, Clock, Limit, LimitUnit, StepLimits};
use serde::Serialize;

use super::Lang;

/// One entry of `GET services`.
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    /// Whether `GET services/{code}` has attributes.
    pub metadata: bool,
    /// Always `realtime`: a POST answers with the request id at once.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub keywords: String,
    pub group: String,
}

/// One `attribute` of a service definition.
#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    /// `false`: information only, not an input.
    pub variable: bool,
    pub code: &'static str,
    pub datatype: &'static str,
    pub required: bool,
    pub datatype_description: Option<String>,
    pub order: u32,
    pub description: String,
    /// For the value-list datatypes (none of ours are lists today).
    pub values: Vec<(String, String)>,
}

/// `GET services/{code}`.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<Attribute>,
}

/// The exact spot: required for social-governance items, which concern a household or a
/// building's inside (the grid worker has to find the door), optional for the rest.
pub const LOCATION_DETAIL: &str = "location_detail";
/// The number painted or stamped on a public facility (部件编号), for component categories.
pub const COMPONENT_ID: &str = "component_id";
/// Information only: the category's time limits.
pub const TIME_LIMIT: &str = "time_limit";

pub const LOCATION_DETAIL_MAX: usize = 80;
pub const COMPONENT_ID_MAX: usize = 40;

pub fn kind_name(kind: CategoryKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (CategoryKind::Event, Lang::Zh) => "城市管理事件",
        (CategoryKind::Event, Lang::En) => "urban-management event",
        (CategoryKind::Component, Lang::Zh) => "城市部件",
        (CategoryKind::Component, Lang::En) => "public facility (component)",
        (CategoryKind::Social, Lang::Zh) => "社会治理事项",
        (CategoryKind::Social, Lang::En) => "social-governance item",
    }
}

/// `4wh` as people read it: "4 working hours", "4个工作小时".
pub fn limit_text(l: Limit, lang: Lang) -> String {
    let n = l.amount;
    let working = l.clock == Clock::Working;
    match lang {
        Lang::Zh => {
            let unit = match (l.unit, working) {
                (LimitUnit::Minutes, false) => "分钟",
                (LimitUnit::Minutes, true) => "个工作分钟",
                (LimitUnit::Hours, false) => "小时",
                (LimitUnit::Hours, true) => "个工作小时",
                (LimitUnit::Days, false) => "天",
                (LimitUnit::Days, true) => "个工作日",
            };
            format!("{n}{unit}")
        }
        Lang::En => {
            let unit = match l.unit {
                LimitUnit::Minutes => "minute",
                LimitUnit::Hours => "hour",
                LimitUnit::Days => "day",
            };
            let plural = if n == 1 { "" } else { "s" };
            let w = if working { "working " } else { "" };
            format!("{n} {w}{unit}{plural}")
        }
    }
}

/// What the street promises for the category: the `service_notice` of a request.
pub fn notice(limits: StepLimits, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "{}内立案派遣，派遣后{}内处置完毕",
            limit_text(limits.dispatch, lang),
            limit_text(limits.handle, lang)
        ),
        Lang::En => format!(
            "Dispatched within {}; handled within {} after dispatch",
            limit_text(limits.dispatch, lang),
            limit_text(limits.handle, lang)
        ),
    }
}

fn name(c: &Category, lang: Lang) -> &str {
    lang.pick(&c.zh, &c.en)
}

/// The category's attributes, in display order.
pub fn attributes(c: &Category, limits: Option<StepLimits>, lang: Lang) -> Vec<Attribute> {
    let mut out = Vec::new();
    let social = c.kind == CategoryKind::Social;
    out.push(Attribute {
        variable: true,
        code: LOCATION_DETAIL,
        datatype: "string",
        required: social,
        datatype_description: Some(match lang {
            Lang::Zh => format!("不超过{LOCATION_DETAIL_MAX}个字"),
            Lang::En => format!("At most {LOCATION_DETAIL_MAX} characters"),
        }),
        order: 1,
        description: match (lang, social) {
            (Lang::Zh, true) => "具体位置（必填）：楼栋、单元和门牌号".into(),
            (Lang::Zh, false) => "具体位置：楼栋、单元、门牌号或明显标志物".into(),
            (Lang::En, true) => "Exact spot (required): building, entrance and door number".into(),
            (Lang::En, false) => "Exact spot: building, entrance, door number or a landmark".into(),
        },
        values: Vec::new(),
    });
    if c.kind == CategoryKind::Component {
        out.push(Attribute {
            variable: true,
            code: COMPONENT_ID,
            datatype: "string",
            required: false,
            datatype_description: Some(match lang {
                Lang::Zh => format!("不超过{COMPONENT_ID_MAX}个字符；看不到编号可不填"),
                Lang::En => format!("At most {COMPONENT_ID_MAX} characters; leave empty if none is visible"),
            }),
            order: 2,
            description: match lang {
                Lang::Zh => format!("{}上喷涂或铭牌上的部件编号", name(c, lang)),
                Lang::En => format!("The number painted or stamped on the {}", name(c, lang).to_lowercase()),
            },
            values: Vec::new(),
        });
    }
    if let Some(l) = limits {
        out.push(Attribute {
            variable: false,
            code: TIME_LIMIT,
            datatype: "string",
            required: false,
            datatype_description: None,
            order: out.len() as u32 + 1,
            description: match lang {
                Lang::Zh => format!("处置时限：{}", notice(l, lang)),
                Lang::En => format!("Time limits: {}", notice(l, lang)),
            },
            values: Vec::new(),
        });
    }
    out
}

/// The service of one leaf category.
pub fn service(cat: &Catalogue, c: &Category, lang: Lang) -> Service {
    let parent = c.parent.as_deref().and_then(|p| cat.get(p));
    let department = cat.owner(&c.code).map(|d| lang.pick(&d.zh, &d.en).to_string());
    let limits = cat.limits(&c.code);
    let kind = kind_name(c.kind, lang);
    let standard = c.standard_code.as_deref();
    let description = match lang {
        Lang::Zh => {
            let mut s = format!("{}（{kind}", c.zh);
            if let Some(code) = standard {
                s.push_str(&format!("，国标代码 {code}"));
            }
            s.push('）');
            if let Some(d) = &department {
                s.push_str(&format!("，由{d}负责"));
            }
            if let Some(l) = limits {
                s.push_str(&format!("；{}", notice(l, lang)));
            }
            s
        }
        Lang::En => {
            let mut s = format!("{} ({kind}", c.en);
            if let Some(code) = standard {
                s.push_str(&format!(", national code {code}"));
            }
            s.push(')');
            if let Some(d) = &department {
                s.push_str(&format!(", handled by {d}"));
            }
            if let Some(l) = limits {
                s.push_str(&format!(". {}", notice(l, lang)));
            }
            s
        }
    };
    // The name in the other language, the national code and the kind: what people search by.
    let mut keywords = vec![lang.pick(&c.en, &c.zh).to_string()];
    if let Some(code) = standard {
        keywords.push(code.to_string());
    }
    keywords.push(kind.to_string());
    Service {
        service_code: c.code.clone(),
        service_name: name(c, lang).to_string(),
        description,
        metadata: !attributes(c, limits, lang).is_empty(),
        kind: "realtime",
        keywords: keywords.join(", "),
        group: parent.map(|p| name(p, lang).to_string()).unwrap_or_default(),
    }
}

/// Whether the public may read a request's details (description, place, photo link). Social-
/// governance items are about people (disputes, leads for the police, elders living alone, people
/// with mental disorders): their requests are listed with the status only.
pub fn details_are_public(kind: CategoryKind) -> bool {
    kind != CategoryKind::Social
}
