//! C10: category suggestion from the description text, learnt from the platform's own closed cases.
//! A suggestion only: staff confirm the category.
//!
//! Text becomes features without a dictionary: a run of Chinese characters gives its characters
//! (less a few function characters such as 的, 了) and every pair of neighbouring characters,
//! which stand in for the words a segmenter would find (垃圾, 井盖, 噪音); Latin text gives
//! lowercased words less stop words, with plurals folded; digits and punctuation are separators.
//! Each feature counts once per description (binary features): a repeated word says little more
//! than the word once.
//!
//! The model is complement naive Bayes (Rennie et al. 2003) with Laplace smoothing, in log space:
//! a category scores well when the description's features are unlikely in *all the other*
//! categories' texts. Plain multinomial naive Bayes was measured too and did much worse on case
//! texts (top-1 0.67 against 0.83 on the demo year): a few categories (rubbish, parking, noise)
//! hold most cases, and with plain NB the place names and stock phrases every report contains
//! pull rarer categories toward them; estimating from the complement, which is large for every
//! category, removes that skew. As Rennie et al. advise, the class prior is left out (it made
//! top-1 worse, 0.78).
//!
//! The model is small: per feature, only the categories it was seen in, with one precomputed
//! weight each, so a suggestion costs a pass over the description's features. The confidence is
//! the softmax of the log scores (the normalised posterior of the top category); on the demo
//! year it runs somewhat below the real hit rate rather than above it.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

/// Laplace smoothing: every feature is seen `ALPHA` times more in every category.
const ALPHA: f64 = 1.0;

/// Chinese characters that carry no topic: not counted alone nor in pairs.
const CJK_STOP: &[char] = &[
    '的', '了', '是', '在', '我', '你', '您', '他', '她', '它', '们', '和', '与', '及', '或', '就', '都', '也', '很', '着', '这',
    '那', '吗', '呢', '吧', '啊', '呀', '哦', '嘛', '请', '把', '被', '给', '让', '又', '还', '再', '已', '经', '其',
];

/// English words that carry no topic.
const LATIN_STOP: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being",
    "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from", "had", "has", "have", "having", "he", "her",
    "here", "hi", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "me", "my", "of", "on", "or", "our", "out",
    "please", "she", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
    "to", "too", "up", "us", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "will", "with",
    "would", "you", "your",
];

/// One suggested category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub code: String,
    /// The normalised posterior of this category among all learnt ones, in `[0, 1]`.
    pub confidence: f64,
}

/// Accuracy on a held-out share of the examples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evaluation {
    pub train: usize,
    pub test: usize,
    /// Share of test examples whose category is the first suggestion.
    pub top1: f64,
    /// Share of test examples whose category is among the first three suggestions.
    pub top3: f64,
}

/// A trained model. Cheap to clone and share; immutable once trained.
///
/// With `n_cf` the descriptions of category `c` that contain feature `f`, `n_f = Σ_c n_cf`,
/// `N_c = Σ_f n_cf` and `N = Σ_c N_c`, the complement estimate is
/// `θ̄_cf = (n_f − n_cf + α) / (N − N_c + αV)`, and a description `d` scores
/// `−Σ_{f∈d} ln θ̄_cf = |d| · ln(N − N_c + αV) − Σ_{f∈d} ln(n_f + α) + Σ_{f∈d} w_cf` with
/// `w_cf = ln(n_f + α) − ln(n_f − n_cf + α)`, which is zero where `f` was never seen in `c`. The
/// middle sum is the same for every category and is left out.
#[derive(Debug, Clone, Default)]
pub struct Suggester {
    /// Category codes, sorted; a category is its index here.
    codes: Vec<String>,
    /// Per category: ln(N − N_c + αV).
    log_norm: Vec<f64>,
    /// Feature → index into `postings`.
    vocab: HashMap<String, u32>,
    /// Per feature: the categories it was seen in, with `w_cf`.
    postings: Vec<Vec<(u32, f32)>>,
}

impl Suggester {
    /// Learns from `(description, category code)` pairs, e.g. the closed cases of a street.
    /// Examples with a blank code are skipped; a category whose descriptions have no features
    /// is still learnt (and suggested only when nothing speaks against it).
    pub fn train<T: AsRef<str>, C: AsRef<str>>(examples: &[(T, C)]) -> Suggester {
        let mut by_code: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, (_, code)) in examples.iter().enumerate() {
            let code = code.as_ref().trim();
            if !code.is_empty() {
                by_code.entry(code).or_default().push(i);
            }
        }
        if by_code.is_empty() {
            return Suggester::default();
        }
        let codes: Vec<String> = by_code.keys().map(|c| c.to_string()).collect();

        let mut vocab: HashMap<String, u32> = HashMap::new();
        // (feature, category) → documents of the category containing the feature.
        let mut counts: HashMap<(u32, u32), u32> = HashMap::new();
        let mut totals = vec![0u64; codes.len()];
        let mut ids: Vec<u32> = Vec::new();
        for (class, members) in by_code.values().enumerate() {
            for &i in members {
                ids.clear();
                features(examples[i].0.as_ref(), |f| {
                    let next = vocab.len() as u32;
                    let id = match vocab.get(f) {
                        Some(id) => *id,
                        None => {
                            vocab.insert(f.to_string(), next);
                            next
                        }
                    };
                    ids.push(id);
                });
                ids.sort_unstable();
                ids.dedup();
                totals[class] += ids.len() as u64;
                for &id in &ids {
                    *counts.entry((id, class as u32)).or_insert(0) += 1;
                }
            }
        }

        let v = vocab.len() as f64;
        let mut per_feature = vec![0u32; vocab.len()];
        for ((id, _), n) in &counts {
            per_feature[*id as usize] += n;
        }
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); vocab.len()];
        for ((id, class), n) in counts {
            let all = f64::from(per_feature[id as usize]);
            let w = (all + ALPHA).ln() - (all - f64::from(n) + ALPHA).ln();
            postings[id as usize].push((class, w as f32));
        }
        for p in &mut postings {
            p.sort_unstable_by_key(|(class, _)| *class);
            p.shrink_to_fit();
        }
        let total: u64 = totals.iter().sum();
        let log_norm = totals.iter().map(|t| ((total - t) as f64 + ALPHA * v).ln()).collect();
        Suggester {
            codes,
            log_norm,
            vocab,
            postings,
        }
    }

    /// The categories the model has learnt, sorted by code.
    pub fn categories(&self) -> &[String] {
        &self.codes
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Up to `k` categories for a description, most likely first (ties by code). Empty when the
    /// model has learnt nothing or the text has no feature the model has seen.
    pub fn suggest(&self, text: &str, k: usize) -> Vec<Suggestion> {
        if k == 0 || self.codes.is_empty() {
            return Vec::new();
        }
        let mut ids: Vec<u32> = Vec::new();
        features(text, |f| {
            if let Some(id) = self.vocab.get(f) {
                ids.push(*id);
            }
        });
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Vec::new();
        }
        // |d| · ln(N − N_c + αV) + Σ_f w_cf (see the type's documentation).
        let n = ids.len() as f64;
        let mut score: Vec<f64> = self.log_norm.iter().map(|z| n * z).collect();
        for id in ids {
            for &(class, w) in &self.postings[id as usize] {
                score[class as usize] += f64::from(w);
            }
        }
        let top = score.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = score.iter().map(|s| (s - top).exp()).sum();
        let mut order: Vec<usize> = (0..score.len()).collect();
        order.sort_by(|&a, &b| {
            score[b]
                .partial_cmp(&score[a])
                .unwrap_or(Ordering::Equal)
                .then_with(|| self.codes[a].cmp(&self.codes[b]))
        });
        order
            .into_iter()
            .take(k)
            .map(|c| Suggestion {
                code: self.codes[c].clone(),
                confidence: ((score[c] - top).exp() / sum).clamp(0.0, 1.0),
            })
            .collect()
    }
}

/// Trains on all but a deterministic `test_fraction` of the examples (chosen by `seed`) and
/// measures how often the right category comes first, or among the first three, on the rest.
pub fn held_out_accuracy<T: AsRef<str>, C: AsRef<str>>(examples: &[(T, C)], test_fraction: f64, seed: u64) -> Evaluation {
    let fraction = if test_fraction.is_finite() {
        test_fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut order: Vec<(u64, usize)> = (0..examples.len())
        .map(|i| (mix(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)), i))
        .collect();
    order.sort_unstable();
    let n_test = ((examples.len() as f64) * fraction).round() as usize;
    let (test, train) = order.split_at(n_test.min(examples.len()));
    let train_set: Vec<(&str, &str)> = train
        .iter()
        .map(|(_, i)| (examples[*i].0.as_ref(), examples[*i].1.as_ref()))
        .collect();
    let model = Suggester::train(&train_set);
    let (mut top1, mut top3) = (0usize, 0usize);
    for (_, i) in test {
        let (text, code) = (examples[*i].0.as_ref(), examples[*i].1.as_ref().trim());
        let s = model.suggest(text, 3);
        if s.first().is_some_and(|s| s.code == code) {
            top1 += 1;
        }
        if s.iter().any(|s| s.code == code) {
            top3 += 1;
        }
    }
    let share = |n: usize| if test.is_empty() { 0.0 } else { n as f64 / test.len() as f64 };
    Evaluation {
        train: train.len(),
        test: test.len(),
        top1: share(top1),
        top3: share(top3),
    }
}

/// SplitMix64's finaliser: a well-spread key per example for the split.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

/// Calls `f` with every feature of `text` (repeats included): CJK characters and neighbouring
/// pairs, lowercased Latin words. Features are prefixed by kind only implicitly: a CJK feature
/// never equals a Latin one.
fn features(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    // Byte offset of the previous CJK character, when it was not a stop character and directly
    // precedes the current one.
    let mut prev_cjk: Option<usize> = None;
    fn flush(word: &mut String, f: &mut dyn FnMut(&str)) {
        if !word.is_empty() {
            latin_word(word, f);
            word.clear();
        }
    }
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if is_cjk(c) {
            flush(&mut word, &mut f);
            if CJK_STOP.contains(&c) {
                prev_cjk = None;
                continue;
            }
            f(&text[i..end]);
            if let Some(p) = prev_cjk {
                f(&text[p..end]);
            }
            prev_cjk = Some(i);
        } else if c.is_alphabetic() {
            prev_cjk = None;
            word.extend(c.to_lowercase());
        } else if c == '\'' || c == '’' {
            // "don't", "o'clock": keep the word together, drop the apostrophe.
            prev_cjk = None;
        } else {
            prev_cjk = None;
            flush(&mut word, &mut f);
        }
    }
    flush(&mut word, &mut f);
}

/// A lowercased Latin word, stop words and one-letter words dropped, plurals folded.
fn latin_word(w: &str, f: &mut dyn FnMut(&str)) {
    if w.chars().count() < 2 || LATIN_STOP.binary_search(&w).is_ok() {
        return;
    }
    if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() >= 2) {
        let folded = format!("{stem}y");
        f(&folded);
    } else if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        f(&w[..w.len() - 1]);
    } else {
        f(w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feats(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        features(text, |f| out.push(f.to_string()));
        out
    }

    fn examples() -> Vec<(&'static str, &'static str)> {
        vec![
            ("小区门口堆了一大堆生活垃圾，好几天没人清运，气味很大", "E0102"),
            ("楼下垃圾桶旁边堆满垃圾，苍蝇很多，请尽快清理", "E0102"),
            ("路边有一堆装修垃圾和生活垃圾没人管", "E0102"),
            ("Rubbish bags piled up at the gate, nobody collected them for days", "E0102"),
            ("Garbage dumped next to the bins, it smells terrible", "E0102"),
            ("一辆私家车长期停在人行道上，挡住行人通行", "E0505"),
            ("机动车乱停放在消防通道口，车主联系不上", "E0505"),
            ("路口有汽车违停，早高峰堵车严重", "E0505"),
            ("A car is parked on the pavement blocking pedestrians every night", "E0505"),
            ("Illegally parked cars block the lane outside the school", "E0505"),
            ("楼上邻居每天晚上十一点以后还在装修敲打，噪音太大影响休息", "S0401"),
            ("隔壁广场舞音响声音太大，晚上噪音扰民", "S0401"),
            (
                "The neighbours play loud music after midnight, the noise keeps us awake",
                "S0401",
            ),
            ("Loud noise from the flat upstairs late at night", "S0401"),
            ("路灯不亮了，晚上走路很黑", "C0108"),
            ("小区门口的路灯坏了好几天，一直不亮", "C0108"),
            ("The street light at the corner is broken and it is dark at night", "C0108"),
        ]
    }

    #[test]
    fn c10_features_split_cjk_into_characters_and_pairs_and_latin_into_words() {
        assert_eq!(feats("垃圾桶"), ["垃", "圾", "垃圾", "桶", "圾桶"]);
        // Stop characters break pairs; digits are separators.
        assert_eq!(feats("楼的灯"), ["楼", "灯"]);
        assert_eq!(feats("3号楼"), ["号", "楼", "号楼"]);
        assert_eq!(feats("The Street-lights are BROKEN 24h"), ["street", "light", "broken"]);
        assert_eq!(feats("bodies don't"), ["body", "dont"]);
        // Mixed text: each script on its own.
        assert_eq!(feats("路灯light坏"), ["路", "灯", "路灯", "light", "坏"]);
        assert!(feats("123 !!! ，。").is_empty());
        assert!(LATIN_STOP.windows(2).all(|w| w[0] < w[1]), "LATIN_STOP must stay sorted");
    }

    #[test]
    fn c10_suggests_from_chinese_text() {
        let m = Suggester::train(&examples());
        let s = m.suggest("三号楼下面的垃圾堆了一个星期没人清运", 3);
        assert_eq!(s[0].code, "E0102", "{s:?}");
        let s = m.suggest("有辆车停在人行道上", 3);
        assert_eq!(s[0].code, "E0505", "{s:?}");
        let s = m.suggest("晚上楼上噪音很大", 1);
        assert_eq!(s[0].code, "S0401", "{s:?}");
        let s = m.suggest("门口路灯坏了", 1);
        assert_eq!(s[0].code, "C0108", "{s:?}");
    }

    #[test]
    fn c10_suggests_from_english_text() {
        let m = Suggester::train(&examples());
        assert_eq!(m.suggest("Bags of rubbish dumped by the gate", 1)[0].code, "E0102");
        assert_eq!(m.suggest("Cars parked on the pavement", 1)[0].code, "E0505");
        assert_eq!(m.suggest("LOUD music at midnight", 1)[0].code, "S0401");
        assert_eq!(m.suggest("street lights broken", 1)[0].code, "C0108");
    }

    #[test]
    fn c10_empty_model_suggests_nothing() {
        let none: &[(&str, &str)] = &[];
        let m = Suggester::train(none);
        assert!(m.is_empty());
        assert!(m.suggest("垃圾没人清运", 3).is_empty());
        // Blank codes teach nothing.
        assert!(Suggester::train(&[("垃圾", " ")]).is_empty());
        // A trained model says nothing about text it has no feature of, or when asked for none.
        let m = Suggester::train(&examples());
        assert!(m.suggest("", 3).is_empty());
        assert!(m.suggest("12345 ？！", 3).is_empty());
        assert!(m.suggest("xyzzy quux", 3).is_empty());
        assert!(m.suggest("垃圾", 0).is_empty());
        assert_eq!(m.categories(), ["C0108", "E0102", "E0505", "S0401"]);
    }

    #[test]
    fn c10_confidence_is_a_probability() {
        let m = Suggester::train(&examples());
        for text in [
            "垃圾",
            "车停在门口，路灯也坏了",
            "noise",
            "路",
            "一辆车",
            "rubbish car noise light",
        ] {
            let all = m.suggest(text, 10);
            assert_eq!(all.len(), 4, "{text}: every learnt category is ranked");
            let sum: f64 = all.iter().map(|s| s.confidence).sum();
            assert!((sum - 1.0).abs() < 1e-9, "{text}: {sum}");
            assert!(all.iter().all(|s| (0.0..=1.0).contains(&s.confidence)));
            assert!(all.windows(2).all(|w| w[0].confidence >= w[1].confidence), "{text}: {all:?}");
        }
        // Clear text is more certain than ambiguous text.
        let clear = m.suggest("垃圾堆了好几天没人清运，气味很大", 1)[0].confidence;
        let vague = m.suggest("路", 1)[0].confidence;
        assert!(clear > 0.9 && vague < clear, "{clear} {vague}");
    }

    #[test]
    fn c10_rare_categories_are_not_drowned_by_common_ones() {
        // Every report names the estate and asks for help; one category has ten times the
        // reports of the other. The word that matters decides, not the stock phrases.
        let mut ex: Vec<(String, &str)> = Vec::new();
        for i in 0..60 {
            let thing = ["垃圾", "垃圾袋", "生活垃圾"][i % 3];
            ex.push((
                format!("海棠苑{}号楼门口{thing}没人清运，请尽快处理，谢谢", i % 9 + 1),
                "E0102",
            ));
        }
        for i in 0..6 {
            ex.push((format!("海棠苑{}号楼门口井盖破了，请尽快处理", i + 1), "C0102"));
        }
        let m = Suggester::train(&ex);
        let s = m.suggest("你好，海棠苑3号楼门口的井盖松动了，请尽快处理，谢谢", 2);
        assert_eq!(s[0].code, "C0102", "{s:?}");
        assert_eq!(m.suggest("海棠苑门口垃圾", 1)[0].code, "E0102");
        // Identical evidence: ties go by code.
        let m = Suggester::train(&[("井盖", "B"), ("井盖", "A")]);
        let s = m.suggest("井盖", 2);
        assert_eq!((s[0].code.as_str(), s[1].code.as_str()), ("A", "B"));
        assert!((s[0].confidence - 0.5).abs() < 1e-9);
    }

    #[test]
    fn c10_held_out_split_is_deterministic_and_measures() {
        let mut ex: Vec<(String, String)> = Vec::new();
        let topics = [
            ("垃圾堆放没人清运", "garbage left uncollected", "E0102"),
            ("车辆乱停放堵住通道", "car parked blocking the lane", "E0505"),
            ("晚上噪音扰民", "loud noise at night", "S0401"),
            ("路灯不亮", "street light not working", "C0108"),
        ];
        for i in 0..200 {
            let (zh, en, code) = topics[i % 4];
            let text = if i % 5 == 0 {
                format!("{en} near block {i}")
            } else {
                format!("{i}号楼附近{zh}")
            };
            ex.push((text, code.to_string()));
        }
        let a = held_out_accuracy(&ex, 0.2, 7);
        assert_eq!(a, held_out_accuracy(&ex, 0.2, 7));
        assert_eq!((a.train, a.test), (160, 40));
        assert_eq!(a.top1, 1.0, "{a:?}");
        assert!(a.top3 >= a.top1);
        // A different seed draws a different test set of the same size.
        let b = held_out_accuracy(&ex, 0.2, 8);
        assert_eq!((b.train, b.test), (160, 40));
        // Nothing held out: nothing measured.
        let c = held_out_accuracy(&ex, 0.0, 7);
        assert_eq!((c.train, c.test, c.top1), (200, 0, 0.0));
        // Labels that the text does not predict: no better than chance.
        let noise: Vec<(String, &str)> = (0..400)
            .map(|i| (format!("第{i}号"), ["A", "B", "C", "D"][i * 7 % 4]))
            .collect();
        let d = held_out_accuracy(&noise, 0.25, 1);
        assert!(d.top1 < 0.5, "{d:?}");
    }

    #[test]
    fn c10_training_is_fast_enough() {
        // 50,000 examples over 100 categories; the limit is generous for debug builds.
        let words = ["垃圾", "停车", "噪音", "路灯", "井盖", "漏水", "纠纷", "电梯", "广告", "油烟"];
        let ex: Vec<(String, String)> = (0..50_000)
            .map(|i| {
                let text = format!(
                    "{}附近{}问题第{}次反映，{}和{} issue {}",
                    words[i % 10],
                    words[(i / 10) % 10],
                    i % 7,
                    words[(i / 3) % 10],
                    words[(i / 7) % 10],
                    ["water", "noise", "light", "car"][i % 4]
                );
                (text, format!("X{:03}", i % 100))
            })
            .collect();
        let t = std::time::Instant::now();
        let m = Suggester::train(&ex);
        let took = t.elapsed();
        assert_eq!(m.categories().len(), 100);
        assert!(took.as_secs_f64() < 10.0, "training took {took:?}");
        eprintln!("trained on 50,000 examples in {took:?}");
    }
}
