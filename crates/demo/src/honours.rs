//! P2 annual selection for the demo: which of the frozen candidates the community staff honour
//! and with what words. The candidates themselves come from the loaded year of points, so only
//! the staff's decisions are generated here.

use crate::rng::Rng;

/// The staff's decisions for each community's selection of the past year.
#[derive(Debug, Clone)]
pub struct HonourPlan {
    /// Years before the current one (1: the past year, which has ended).
    pub years_back: i32,
    /// How many of the top volunteer candidates and building-group candidates are honoured.
    pub volunteers: usize,
    pub building_groups: usize,
    pub volunteer_title: &'static str,
    pub building_group_title: &'static str,
    /// A citation for each honoured volunteer and building group, in rank order.
    pub volunteer_citations: Vec<&'static str>,
    pub building_group_citations: Vec<&'static str>,
}

const VOLUNTEER_CITATIONS: &[&str] = &[
    "常年坚持为独居老人上门服务，风雨无阻。",
    "积极参与垃圾分类督导，带动邻里共同参与。",
    "热心调解邻里纠纷，促进社区和谐。",
    "组织楼道清洁与绿化认养，楼组面貌焕然一新。",
    "在防汛排查和夜间巡逻中冲在前面。",
    "带头参加文明宣传和学习教育活动。",
];

const BUILDING_GROUP_CITATIONS: &[&str] = &[
    "楼组居民踊跃参与志愿服务，互助氛围浓厚。",
    "楼组长带领居民共建美丽楼道，参与率居社区前列。",
    "邻里守望相助，楼组议事规范有序。",
];

pub fn honours(seed: u64) -> HonourPlan {
    let mut rng = Rng::stream(seed, "honours");
    let mut v = VOLUNTEER_CITATIONS.to_vec();
    rng.shuffle(&mut v);
    let mut b = BUILDING_GROUP_CITATIONS.to_vec();
    rng.shuffle(&mut b);
    HonourPlan {
        years_back: 1,
        volunteers: 5,
        building_groups: 3,
        volunteer_title: "优秀志愿者",
        building_group_title: "星级楼组",
        volunteer_citations: v,
        building_group_citations: b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p2_demo_honours_are_deterministic_and_cover_every_choice() {
        let (a, b) = (honours(7), honours(7));
        assert_eq!(a.volunteer_citations, b.volunteer_citations);
        assert!(a.volunteer_citations.len() >= a.volunteers);
        assert!(a.building_group_citations.len() >= a.building_groups);
        assert_eq!(a.years_back, 1, "the past year, which has ended");
    }
}
