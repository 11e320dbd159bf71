use serde::{Deserialize, Serialize};

/// A level of the territory tree; posts are held on a unit of one of these levels (T5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Street,
    Community,
    Grid,
    MicroGrid,
    Building,
    Unit,
    Household,
}

impl Level {
    pub const ALL: [Level; 7] = [
        Level::Street,
        Level::Community,
        Level::Grid,
        Level::MicroGrid,
        Level::Building,
        Level::Unit,
        Level::Household,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Street => "street",
            Level::Community => "community",
            Level::Grid => "grid",
            Level::MicroGrid => "micro_grid",
            Level::Building => "building",
            Level::Unit => "unit",
            Level::Household => "household",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// Depth from the street (0) down; a post on depth d covers every unit of depth ≥ d below it.
    pub fn depth(self) -> usize {
        self as usize
    }

    pub fn parent(self) -> Option<Level> {
        self.depth().checked_sub(1).map(|d| Level::ALL[d])
    }

    pub fn child(self) -> Option<Level> {
        Level::ALL.get(self.depth() + 1).copied()
    }
}

/// T1: micro-grids are residential building groups or non-residential areas with enterprises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MicroGridKind {
    Residential,
    CommercialBuilding,
    BusinessDistrict,
    Block,
    IndustrialPark,
}

impl MicroGridKind {
    pub const ALL: [MicroGridKind; 5] = [
        MicroGridKind::Residential,
        MicroGridKind::CommercialBuilding,
        MicroGridKind::BusinessDistrict,
        MicroGridKind::Block,
        MicroGridKind::IndustrialPark,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MicroGridKind::Residential => "residential",
            MicroGridKind::CommercialBuilding => "commercial_building",
            MicroGridKind::BusinessDistrict => "business_district",
            MicroGridKind::Block => "block",
            MicroGridKind::IndustrialPark => "industrial_park",
        }
    }

    pub fn parse(s: &str) -> Option<MicroGridKind> {
        MicroGridKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t1_levels_round_trip_and_chain() {
        for l in Level::ALL {
            assert_eq!(Level::parse(l.as_str()), Some(l));
        }
        assert_eq!(Level::Street.parent(), None);
        assert_eq!(Level::Grid.parent(), Some(Level::Community));
        assert_eq!(Level::Unit.child(), Some(Level::Household));
        assert_eq!(Level::Household.child(), None);
    }
}
