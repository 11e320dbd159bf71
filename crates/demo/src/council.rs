//! P6's demo: the council of the first grid of community 001 with five members (the demo
//! resident among them, so the resident account can vote), four topics in different states —
//! one under discussion, one with a vote running, one adopted by a secret vote and being
//! implemented, one decided by meeting minutes — and a pocket-park micro-update under way with
//! its stages, problems and milestones. Plain records, deterministic; days count from loading.

use onegrid_domain::council::{Ballot, Choice, ItemStatus, Majority, ProjectKind, StageStatus};
use onegrid_domain::people::Role;
use onegrid_domain::territory::Level;

use crate::participation::{Participation, places};
use crate::{Demo, DemoAccount};

#[derive(Debug, Clone)]
pub struct Council {
    pub community_code: String,
    pub grid_code: String,
    /// Person codes of the council's members; the demo resident is the first.
    pub members: Vec<String>,
    pub topics: Vec<DemoTopic>,
    pub projects: Vec<DemoProject>,
    /// The account that runs the council (appoints, opens and closes votes, records minutes).
    pub runner: String,
}

#[derive(Debug, Clone)]
pub struct DemoTopic {
    pub title: &'static str,
    pub content: &'static str,
    /// The username of the account that raised it.
    pub raised_by: String,
    /// (username, text).
    pub comments: Vec<(String, &'static str)>,
    pub decision: DemoDecision,
    pub items: Vec<DemoCouncilItem>,
}

#[derive(Debug, Clone)]
pub enum DemoDecision {
    /// Taken up for discussion, not decided.
    Discussing,
    /// A vote running: (index into `members`, choice) for those who voted so far.
    Voting { ballot: Ballot, votes: Vec<(usize, Choice)> },
    /// A closed vote.
    Voted {
        ballot: Ballot,
        majority: Majority,
        quorum_percent: i64,
        votes: Vec<(usize, Choice)>,
    },
    /// Decided at a meeting `days_ago`.
    Minutes {
        adopted: bool,
        minutes: &'static str,
        days_ago: i64,
    },
}

#[derive(Debug, Clone)]
pub struct DemoCouncilItem {
    pub title: &'static str,
    pub owner_person_code: String,
    /// Days from loading (negative: already past).
    pub deadline_in_days: i64,
    pub reports: Vec<(ItemStatus, &'static str)>,
}

#[derive(Debug, Clone)]
pub struct DemoProject {
    pub title: &'static str,
    pub description: &'static str,
    pub kind: ProjectKind,
    /// Index into `topics` of the topic that decided it.
    pub topic: Option<usize>,
    pub stages: Vec<(&'static str, StageStatus)>,
    /// (description, index of the stage it was found in, resolution when resolved).
    pub problems: Vec<(&'static str, usize, Option<&'static str>)>,
    /// (name, days from loading, reached).
    pub milestones: Vec<(&'static str, i64, bool)>,
}

fn account<'a>(accounts: &'a [DemoAccount], role: Role) -> Option<&'a DemoAccount> {
    accounts.iter().find(|a| a.role == role)
}

pub fn council(demo: &Demo, p: &Participation) -> Council {
    let d = &demo.data;
    let mut communities: Vec<&str> = d
        .areas
        .iter()
        .filter(|a| a.level == Level::Community)
        .map(|a| a.code.as_str())
        .collect();
    communities.sort();
    let community_code = communities.first().map(|c| c.to_string()).unwrap_or_default();
    let grid_code = d
        .areas
        .iter()
        .filter(|a| a.level == Level::Grid && a.parent_code.as_deref() == Some(community_code.as_str()))
        .map(|a| a.code.clone())
        .min()
        .unwrap_or_default();
    let place = places(d);
    // The resident first, then the grid's other volunteers in code order.
    let mut members = vec![p.resident.person_code.clone()];
    members.extend(
        p.volunteers
            .iter()
            .filter(|v| v.code != p.resident.person_code)
            .filter(|v| {
                v.household_code
                    .as_deref()
                    .and_then(|h| place.get(h))
                    .is_some_and(|(_, g)| *g == grid_code)
            })
            .map(|v| v.code.clone())
            .take(4),
    );
    let chief = account(&demo.accounts, Role::GridChief);
    let worker = account(&demo.accounts, Role::GridWorker);
    let runner = chief.map(|a| a.username.clone()).unwrap_or_else(|| "secretary".into());
    let worker_code = worker.map(|a| a.person_code.clone()).unwrap_or_default();
    let chief_code = chief.map(|a| a.person_code.clone()).unwrap_or_default();
    let resident = p.resident.username.clone();
    let topics = vec![
        DemoTopic {
            title: "楼道堆物清理方案",
            content: "部分楼道长期堆放纸箱和旧家具，影响消防通道。建议统一清理时间，并约定今后的堆放规则。",
            raised_by: resident.clone(),
            comments: vec![
                (resident.clone(), "建议先张贴通知，给大家一周时间自行清理。"),
                (runner.clone(), "同意，清理当天请志愿者协助搬运大件。"),
            ],
            decision: DemoDecision::Discussing,
            items: vec![],
        },
        DemoTopic {
            title: "3号楼加装电梯意见征集",
            content: "3号楼多位老人上下楼困难，申请加装电梯。请议事会成员表决是否启动意见征集和方案设计。",
            raised_by: runner.clone(),
            comments: vec![(runner.clone(), "低层住户的采光和噪声顾虑请一并讨论。")],
            // The resident (member 0) has not voted yet: the demo account can.
            decision: DemoDecision::Voting {
                ballot: Ballot::Open,
                votes: vec![(1, Choice::Yes), (2, Choice::Yes), (3, Choice::Abstain)],
            },
            items: vec![],
        },
        DemoTopic {
            title: "小区非机动车停放整治",
            content: "电动自行车在楼道充电和乱停放问题突出，建议增设集中充电车棚并划定停放区域。",
            raised_by: resident.clone(),
            comments: vec![(resident.clone(), "车棚最好装上定时断电的充电桩。")],
            decision: DemoDecision::Voted {
                ballot: Ballot::Secret,
                majority: Majority::Simple,
                quorum_percent: 50,
                votes: vec![(0, Choice::Yes), (1, Choice::Yes), (2, Choice::No), (4, Choice::Yes)],
            },
            items: vec![
                DemoCouncilItem {
                    title: "划定非机动车停放区域并施划标线",
                    owner_person_code: worker_code.clone(),
                    deadline_in_days: 7,
                    reports: vec![(ItemStatus::InProgress, "已完成现场勘察，标线材料已采购。")],
                },
                DemoCouncilItem {
                    title: "联系物业建设集中充电车棚",
                    owner_person_code: chief_code.clone(),
                    deadline_in_days: -3,
                    reports: vec![],
                },
            ],
        },
        DemoTopic {
            title: "口袋公园选址",
            content: "拟利用小区东侧闲置空地改造为口袋公园，请议事会确定选址和主要功能。",
            raised_by: runner.clone(),
            comments: vec![],
            decision: DemoDecision::Minutes {
                adopted: true,
                minutes: "议事会会议应到5人，实到5人。经讨论，同意在东侧闲置空地建设口袋公园，设置座椅、健身器材和儿童游乐区。",
                days_ago: 40,
            },
            items: vec![],
        },
    ];
    let projects = vec![DemoProject {
        title: "东侧空地口袋公园改造",
        description: "闲置空地改造为口袋公园：铺装、座椅、健身器材、儿童游乐区和绿化。",
        kind: ProjectKind::PocketPark,
        topic: Some(3),
        stages: vec![
            ("方案设计", StageStatus::Done),
            ("居民公示", StageStatus::Done),
            ("施工", StageStatus::InProgress),
            ("竣工验收", StageStatus::Pending),
        ],
        problems: vec![
            ("施工围挡占用消防通道", 2, Some("围挡已后移1.5米，消防通道恢复畅通。")),
            ("夜间施工噪声扰民", 2, None),
        ],
        milestones: vec![
            ("方案公示结束", -20, true),
            ("主体施工完成", 14, false),
            ("竣工验收", 30, false),
        ],
    }];
    Council {
        community_code,
        grid_code,
        members,
        topics,
        projects,
        runner,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d4_council_demo_is_small_and_consistent() {
        let demo = crate::generate(crate::DEFAULT_SEED);
        let p = crate::participation(crate::DEFAULT_SEED, &demo.data);
        let c = council(&demo, &p);
        assert_eq!(c.members.len(), 5);
        assert_eq!(c.members[0], p.resident.person_code);
        assert!(c.grid_code.starts_with(&c.community_code));
        for t in &c.topics {
            if let DemoDecision::Voting { votes, .. } | DemoDecision::Voted { votes, .. } = &t.decision {
                assert!(votes.iter().all(|(m, _)| *m < c.members.len()));
                // One member, one vote.
                let mut who: Vec<usize> = votes.iter().map(|v| v.0).collect();
                who.dedup();
                assert_eq!(who.len(), votes.len());
            }
            assert!(t.items.iter().all(|i| !i.owner_person_code.is_empty()));
        }
        let again = council(&demo, &p);
        assert_eq!(again.members, c.members);
    }
}
