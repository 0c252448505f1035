//! Who gets a new case: the active agent with the fewest open cases; among
//! equals, the one who has waited longest since their last assignment
//! (round-robin without a shared pointer).

/// One candidate handler as the store sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub user_id: i64,
    pub open_cases: i64,
    /// A monotonically increasing assignment sequence; 0 = never assigned.
    pub last_assigned: i64,
}

pub fn pick_handler(candidates: &[Candidate]) -> Option<i64> {
    candidates
        .iter()
        .min_by_key(|c| (c.open_cases, c.last_assigned, c.user_id))
        .map(|c| c.user_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(user_id: i64, open_cases: i64, last_assigned: i64) -> Candidate {
        Candidate {
            user_id,
            open_cases,
            last_assigned,
        }
    }

    #[test]
    fn fewest_open_cases_wins() {
        assert_eq!(pick_handler(&[c(1, 3, 0), c(2, 1, 9), c(3, 2, 0)]), Some(2));
    }

    #[test]
    fn ties_go_round_robin() {
        let mut agents = vec![c(1, 0, 0), c(2, 0, 0), c(3, 0, 0)];
        let mut order = Vec::new();
        for seq in 1..=6 {
            let id = pick_handler(&agents).unwrap();
            order.push(id);
            // Keep loads equal so only the round-robin decides.
            let a = agents.iter_mut().find(|a| a.user_id == id).unwrap();
            a.last_assigned = seq;
        }
        assert_eq!(order, [1, 2, 3, 1, 2, 3]);
    }

    #[test]
    fn nobody_to_pick() {
        assert_eq!(pick_handler(&[]), None);
    }
}
