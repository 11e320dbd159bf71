//! Names: Chinese surnames by frequency (weighted toward Shanghai), given-name characters by
//! generation and gender, fictional but plausible road, estate, community and company names.

use std::collections::HashSet;

use crate::rng::Rng;

/// Surnames with a relative frequency, weighted toward the Shanghai distribution (张、王、陈、李、
/// 徐、朱、周、沈、陆、顾 … lead).
#[rustfmt::skip]
pub const SURNAMES: &[(&str, u32)] = &[
    ("张", 60), ("王", 58), ("陈", 56), ("李", 45), ("徐", 40), ("朱", 35), ("周", 33), ("沈", 30), ("陆", 28), ("顾", 26),
    ("吴", 25), ("杨", 24), ("黄", 22), ("刘", 22), ("钱", 18), ("孙", 18), ("金", 17), ("胡", 16), ("赵", 14), ("蒋", 15),
    ("施", 15), ("姚", 14), ("陶", 12), ("俞", 12), ("范", 12), ("丁", 12), ("郭", 11), ("何", 11), ("高", 11), ("马", 11),
    ("汪", 11), ("曹", 10), ("许", 10), ("唐", 10), ("郑", 10), ("戴", 9), ("严", 9), ("宋", 9), ("潘", 9), ("袁", 9),
    ("叶", 9), ("蔡", 9), ("林", 9), ("邱", 8), ("毛", 8), ("倪", 8), ("龚", 8), ("卢", 8), ("谢", 8), ("冯", 8),
    ("杜", 7), ("薛", 7), ("邵", 7), ("吕", 7), ("韩", 7), ("夏", 7), ("程", 7), ("方", 7), ("汤", 7), ("瞿", 6),
    ("郁", 6), ("盛", 6), ("秦", 6), ("梁", 6), ("任", 6), ("江", 6), ("姜", 6), ("费", 5), ("殷", 5), ("葛", 5),
    ("贺", 5), ("季", 5), ("翁", 5), ("褚", 4), ("奚", 4), ("缪", 4), ("黎", 4), ("彭", 4), ("魏", 4), ("董", 4),
    ("卞", 3), ("傅", 3), ("萧", 3), ("邹", 3), ("谈", 3), ("浦", 3), ("欧阳", 2), ("诸葛", 1),
];

/// Given-name characters: first and second position by generation and gender. Older Shanghai
/// women's names (秀英, 根娣, 凤珍) differ markedly from those of the 2010s (梓涵, 欣怡).
struct Pool {
    first: &'static [&'static str],
    second: &'static [&'static str],
}

const OLD_M: Pool = Pool {
    first: &[
        "建", "国", "永", "志", "德", "根", "金", "福", "荣", "文", "伟", "忠", "宝", "长", "海", "明", "家", "兴", "正", "祖",
        "培", "鸿", "炳", "仁",
    ],
    second: &[
        "国", "华", "明", "林", "生", "荣", "根", "弟", "发", "祥", "平", "民", "强", "良", "龙", "清", "康", "福", "才", "宝",
        "昌", "泉", "兴", "忠",
    ],
};
const OLD_F: Pool = Pool {
    first: &[
        "秀", "桂", "凤", "玉", "金", "月", "美", "根", "杏", "素", "雪", "彩", "惠", "丽", "小", "翠", "佩", "静", "爱", "菊",
    ],
    second: &[
        "英", "珍", "娣", "妹", "芳", "兰", "娟", "华", "琴", "宝", "凤", "芬", "萍", "仙", "梅", "莲", "娥", "贞", "云", "君",
    ],
};
const MID_M: Pool = Pool {
    first: &[
        "建", "晓", "志", "海", "卫", "立", "振", "国", "文", "俊", "永", "鸿", "东", "春", "伟", "家", "明", "佳", "云", "忠",
    ],
    second: &[
        "伟", "军", "勇", "斌", "杰", "峰", "磊", "涛", "华", "明", "强", "俊", "辉", "刚", "健", "毅", "鹏", "飞", "东", "平",
        "波", "骏",
    ],
};
const MID_F: Pool = Pool {
    first: &[
        "晓", "丽", "秀", "海", "春", "雪", "美", "佳", "玉", "爱", "慧", "红", "燕", "静", "敏", "文", "雅", "小",
    ],
    second: &[
        "丽", "静", "敏", "燕", "霞", "红", "艳", "萍", "婷", "娟", "芳", "洁", "琳", "晶", "慧", "雯", "蕾", "颖", "雪", "玲",
        "华", "瑛",
    ],
};
const YOUNG_M: Pool = Pool {
    first: &[
        "子", "浩", "宇", "俊", "博", "睿", "晨", "昊", "泽", "天", "一", "嘉", "梓", "思", "文", "逸", "奕", "锦", "皓", "明",
        "家", "承",
    ],
    second: &[
        "轩", "宇", "涵", "睿", "哲", "辰", "宸", "铭", "翔", "杰", "豪", "诚", "恒", "然", "阳", "川", "凯", "煜", "霖", "航",
        "远", "琛",
    ],
};
const YOUNG_F: Pool = Pool {
    first: &[
        "欣", "子", "梓", "诗", "雨", "梦", "思", "佳", "可", "语", "若", "一", "依", "晨", "雅", "紫", "静", "心", "安", "乐",
    ],
    second: &[
        "怡", "涵", "萱", "琪", "妍", "悦", "馨", "彤", "钰", "菲", "璐", "琳", "瑶", "婧", "然", "宁", "桐", "晴", "洁", "媛",
        "颖", "溪",
    ],
};

fn pool(gender: &str, birth_year: i64) -> &'static Pool {
    match (gender == "M", birth_year) {
        (true, ..=1964) => &OLD_M,
        (false, ..=1964) => &OLD_F,
        (true, 1965..=1989) => &MID_M,
        (false, 1965..=1989) => &MID_F,
        (true, _) => &YOUNG_M,
        (false, _) => &YOUNG_F,
    }
}

pub fn surname(rng: &mut Rng) -> &'static str {
    let s: &&'static str = rng.pick_weighted(SURNAMES);
    s
}

/// A given name of one or two characters, fitting the gender and birth year.
pub fn given_name(rng: &mut Rng, gender: &str, birth_year: i64) -> String {
    let p = pool(gender, birth_year);
    let second = *rng.pick(p.second);
    if rng.chance(0.22) {
        return second.to_string();
    }
    let mut first = *rng.pick(p.first);
    while first == second {
        first = *rng.pick(p.first);
    }
    format!("{first}{second}")
}

pub fn full_name(rng: &mut Rng, surname: &str, gender: &str, birth_year: i64) -> String {
    format!("{surname}{}", given_name(rng, gender, birth_year))
}

/// A mobile number `1[3-9]xxxxxxxxx`, 11 digits, unique within `used`.
pub fn phone(rng: &mut Rng, used: &mut HashSet<String>) -> String {
    const SECOND: &[(u8, u32)] = &[(3, 30), (5, 25), (8, 25), (7, 8), (9, 8), (6, 2), (4, 2)];
    loop {
        let second = *rng.pick_weighted(SECOND);
        let rest = rng.below(1_000_000_000);
        let p = format!("1{second}{rest:09}");
        if used.insert(p.clone()) {
            return p;
        }
    }
}

/// Fictional sub-district names in the style of Putuo's (真如镇街道, 长风新村街道 …).
pub const STREET_NAMES: &[&str] = &["桃浦路街道", "棠溪路街道", "梅岭新村街道", "兰溪路街道", "杏山路街道"];

/// Fictional but plausible Shanghai road names (many Shanghai roads are named after places in
/// China; these combine such place-like names with 路 and a direction).
#[rustfmt::skip]
pub const ROADS: &[&str] = &[
    "澄溪路", "棠浦路", "杏林路", "柳营路", "锦川路", "梅岭北路", "兰亭路", "沁水路", "凤溪路", "丹霞路", "秀水路", "青枫路",
    "嘉禾路", "华阴路", "云岭东路", "星河路", "桐柏路", "石泉东路", "祁门路", "澜沧路", "鹤庆路", "溪口路", "汾西路", "萍乡路",
    "泸溪路", "景东路", "安远北路", "武夷西路", "岚山路", "宜春路", "桃源路", "金岭路", "白鹭路", "银川西路", "雁荡北路", "清江路",
];

/// Name stems of estates and communities (海棠花苑, 樱花坊庭, 星光域雅苑, 绿洲公寓 … in the seeds).
pub const ESTATE_STEMS: &[&str] = &[
    "海棠", "樱花", "星光", "兰溪", "绿洲", "锦绣", "梅岭", "晨曦", "翠竹", "华阳", "金沙", "康乐", "杏林", "枫桥", "嘉和",
    "银杏", "和平", "春晖", "玉兰", "紫薇", "桂花", "丹桂", "香樟", "清水", "明珠", "长风", "凯旋", "阳光", "怡景", "盛世",
    "真光", "桃浦", "祥和", "瑞康", "富润", "万里", "春江", "锦华", "悦澜", "逸仙", "曙光", "芳草", "新湖", "宜川", "东湖",
    "沁园", "荣华", "永泰",
];

pub const ESTATE_SUFFIXES: &[&str] = &[
    "新村", "一村", "二村", "三村", "花苑", "小区", "公寓", "家园", "雅苑", "华庭", "佳苑", "名邸", "苑", "坊", "花园", "坊庭",
];

pub const COMMUNITY_SUFFIXES: &[&str] = &["新村", "一村", "二村", "花苑", "苑", "坊", "家园", "小区"];

/// Unique names from stem + suffix, remembered in `used`.
pub fn unique_estate(rng: &mut Rng, stems: &[&str], suffixes: &[&str], used: &mut HashSet<String>) -> (String, String) {
    for _ in 0..1000 {
        let stem = *rng.pick(stems);
        let suffix = *rng.pick(suffixes);
        let name = format!("{stem}{suffix}");
        if used.insert(name.clone()) {
            return (stem.to_string(), name);
        }
    }
    // The name space (48 × 16) is far larger than one street needs; numbered fallback.
    let name = format!("新建{}号小区", used.len() + 1);
    used.insert(name.clone());
    ("新建".to_string(), name)
}

/// Trade names (字号) of companies and shops.
pub const TRADE_NAMES: &[&str] = &[
    "瑞丰", "鼎鑫", "华昱", "申沪", "恒通", "博瑞", "宏远", "金桥", "联创", "汇智", "嘉业", "天诚", "润泽", "众合", "启明",
    "优品", "信达", "卓越", "新锐", "永盛", "东晟", "易达", "华鼎", "源通", "德润", "佳和", "中科", "云帆", "晶石", "蓝海",
    "悦享", "友邦", "祥瑞", "百川", "安信", "如意",
];

/// Industries of enterprises by micro-grid kind: (industry, the phrase in a company name).
pub const OFFICE_INDUSTRIES: &[(&str, &str)] = &[
    ("信息技术", "信息技术有限公司"),
    ("文化传媒", "文化传媒有限公司"),
    ("咨询服务", "企业管理咨询有限公司"),
    ("金融服务", "投资管理有限公司"),
    ("人力资源", "人力资源有限公司"),
    ("电子商务", "电子商务有限公司"),
    ("建筑设计", "建筑设计有限公司"),
    ("广告", "广告有限公司"),
    ("软件", "软件科技有限公司"),
    ("法律服务", "律师事务所"),
    ("医药", "医药科技有限公司"),
];
pub const RETAIL_INDUSTRIES: &[(&str, &str)] = &[
    ("零售", "商贸有限公司"),
    ("餐饮", "餐饮管理有限公司"),
    ("美容美发", "美容美发有限公司"),
    ("教育培训", "教育培训有限公司"),
    ("健身", "健身服务有限公司"),
    ("影院娱乐", "影城管理有限公司"),
    ("超市", "超市有限公司"),
    ("服装", "服饰有限公司"),
];
pub const SHOP_INDUSTRIES: &[(&str, &str)] = &[
    ("餐饮", "面馆"),
    ("零售", "便利店"),
    ("医药零售", "大药房"),
    ("五金", "五金店"),
    ("生鲜", "水果店"),
    ("洗衣", "洗衣店"),
    ("美容美发", "理发店"),
    ("餐饮", "小吃店"),
    ("烟酒零售", "烟杂店"),
    ("维修", "修车铺"),
    ("餐饮", "生煎馆"),
    ("零售", "眼镜店"),
];
pub const INDUSTRIAL_INDUSTRIES: &[(&str, &str)] = &[
    ("机械制造", "机械制造有限公司"),
    ("物流仓储", "物流有限公司"),
    ("印刷包装", "印刷包装有限公司"),
    ("电子元件", "电子科技有限公司"),
    ("食品加工", "食品有限公司"),
    ("新材料", "新材料科技有限公司"),
    ("汽车配件", "汽车零部件有限公司"),
    ("智能制造", "智能装备有限公司"),
];

/// Chinese numerals for "第一网格" and the like.
pub fn cn_number(n: usize) -> &'static str {
    const N: [&str; 11] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    N.get(n).copied().unwrap_or("十")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d4_names_look_chinese_and_phones_are_valid() {
        let mut rng = Rng::new(1);
        let mut used = HashSet::new();
        for _ in 0..1000 {
            let s = surname(&mut rng);
            let n = full_name(&mut rng, s, "F", 1950);
            assert!((2..=4).contains(&n.chars().count()), "{n}");
            let p = phone(&mut rng, &mut used);
            assert_eq!(p.len(), 11);
            assert!(p.starts_with('1') && (b'3'..=b'9').contains(&p.as_bytes()[1]));
            assert!(p.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_eq!(used.len(), 1000);
        let stems: HashSet<&str> = SURNAMES.iter().map(|(s, _)| *s).collect();
        assert_eq!(stems.len(), SURNAMES.len(), "duplicate surname");
    }
}
