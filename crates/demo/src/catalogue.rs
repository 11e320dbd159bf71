//! T7: duty lists per role (职责清单) and the catalogue of work items that enter the grid
//! (入格事项: 10 major categories, 55 items, after the Qingdao Liaoning Road practice).

use onegrid_domain::people::Role;
use onegrid_domain::territory::{DutyRec, WorkItemRec};

/// 3–6 duties per role.
pub fn duties_of(role: Role) -> &'static [&'static str] {
    match role {
        Role::StreetAdmin => &[
            "维护街道、社区、网格、微网格划分及编码",
            "管理人员岗位、账号与权限",
            "组织网格覆盖检查，消除“盲区”",
            "统筹网格工作考核与星级评定",
        ],
        Role::Dispatcher => &[
            "受理各渠道诉求并登记立案",
            "按事项清单派遣至网格、社区或职能部门",
            "跟踪处置时限，超时预警并逐级上报",
            "组织疑难事项联合处置（联办）",
            "核查处置结果并结案回访",
        ],
        Role::DepartmentStaff => &[
            "接收街道派遣的本部门案件",
            "按时限处置并反馈结果",
            "派员参与网格“3+N”团队联合处置",
        ],
        Role::CommunitySecretary => &[
            "领导居民区党组织和“一体两委”工作",
            "统筹辖区网格、微网格划分与人员配置",
            "主持网格议事会，协调解决重点难点问题",
            "督促社区级事项按时办结",
            "组织党员报到和志愿服务",
        ],
        Role::CommunityStaff => &[
            "办理社区受理的民生服务事项",
            "协助网格长开展网格日常工作",
            "维护居民、户籍、房屋等基础信息",
            "组织社区活动和政策宣传",
        ],
        Role::GridChief => &[
            "统筹本网格“1+2+N”力量分工",
            "每周召集网格例会，研判网格内问题",
            "协调处置网格内一般事项，疑难事项上报社区",
            "督导微网格长和楼组长履职",
        ],
        Role::GridWorker => &[
            "开展“四个百分百”入户走访，记录民情日志",
            "巡查发现并上报网格内问题和隐患",
            "采集更新人口、房屋、单位等基础信息",
            "联系服务特殊人群，落实走访频次",
            "就地化解一般矛盾纠纷",
            "跟踪本网格案件处置进度并回访",
        ],
        Role::PartTimeWorker => &[
            "协助专职网格员走访和巡查",
            "参与矛盾纠纷调解和政策宣传",
            "带头参加志愿服务和党员报到活动",
        ],
        Role::MicroGridLeader => &[
            "联系微网格内党员、楼组长和居民",
            "收集居民诉求，小事不出微网格",
            "组织微团队开展邻里互助和志愿服务",
            "协助排查安全隐患并及时报告",
        ],
        Role::BuildingLeader => &[
            "联系本楼组10–14户居民，掌握基本情况",
            "及时报告楼道内安全隐患和居民诉求",
            "传达社区通知，组织楼组自治活动",
            "关心楼内独居老人等特殊群体",
        ],
        Role::SecondBuildingLeader => &[
            "协助楼组长联系服务本楼组居民",
            "发挥“第二梯队”作用，参与楼组议事",
            "带动年轻居民参与社区志愿服务",
        ],
        Role::Specialist => &[
            "按专业职责参与网格内事项处置",
            "定期下沉网格开展联合巡查和执法",
            "为网格员提供专业指导",
            "参加网格“3+N”团队例会",
        ],
    }
}

pub fn duties() -> Vec<DutyRec> {
    Role::ALL
        .into_iter()
        .flat_map(|role| {
            duties_of(role).iter().map(move |t| DutyRec {
                role,
                title: (*t).to_string(),
            })
        })
        .collect()
}

/// 10 major categories, 55 items.
pub const WORK_ITEMS: &[(&str, &[&str])] = &[
    (
        "党的建设",
        &[
            "党员报到服务管理",
            "党组织活动组织",
            "党群服务阵地维护",
            "流动党员联系服务",
            "党员志愿服务",
        ],
    ),
    (
        "综合治理",
        &[
            "治安隐患排查",
            "出租房屋管理",
            "流动人口登记",
            "平安巡逻",
            "群防群治",
            "涉邪教线索报告",
            "反电信诈骗宣传",
        ],
    ),
    (
        "城市管理",
        &[
            "乱堆乱放",
            "违法搭建",
            "占道经营",
            "暴露垃圾",
            "井盖缺失破损",
            "违规户外广告",
            "共享单车乱停放",
        ],
    ),
    (
        "安全生产",
        &[
            "消防通道堵塞",
            "电动自行车违规充电",
            "燃气安全隐患",
            "老旧电梯隐患",
            "高空坠物隐患",
            "危险化学品隐患",
        ],
    ),
    (
        "生态环保",
        &["垃圾分类督导", "噪声扰民", "餐饮油烟污染", "污水乱排", "绿化毁损"],
    ),
    (
        "民生服务",
        &[
            "高龄独居老人关爱",
            "残疾人帮扶",
            "低保困难家庭救助",
            "就业创业帮扶",
            "社保医保代办",
            "老年助餐服务",
            "托育托幼需求",
        ],
    ),
    ("市场监管", &["无证无照经营", "食品安全隐患", "价格违法行为", "过期变质商品"]),
    (
        "矛盾纠纷",
        &["邻里纠纷", "物业服务纠纷", "婚姻家庭纠纷", "劳动争议", "房屋渗漏纠纷"],
    ),
    (
        "特殊人群",
        &[
            "社区矫正对象",
            "刑满释放人员",
            "严重精神障碍患者",
            "社区戒毒康复人员",
            "困境未成年人",
        ],
    ),
    (
        "应急管理",
        &["防汛防台", "突发事件信息报告", "公共卫生事件防控", "应急物资管理"],
    ),
];

pub fn work_items() -> Vec<WorkItemRec> {
    WORK_ITEMS
        .iter()
        .flat_map(|(c, items)| {
            items.iter().map(move |i| WorkItemRec {
                category: (*c).to_string(),
                item: (*i).to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d4_catalogue_has_10_categories_55_items_and_duties_per_role() {
        assert_eq!(WORK_ITEMS.len(), 10);
        assert_eq!(work_items().len(), 55);
        for r in Role::ALL {
            assert!((3..=6).contains(&duties_of(r).len()), "{r:?}");
        }
    }
}
