//! Consumed read and write capacity, summed over calls, chunks, retries and transactions.

use aws_sdk_dynamodb::types::ConsumedCapacity;
use std::ops::{Add, AddAssign};

/// Read and write capacity units consumed by one or more DynamoDB calls.
///
/// Every call bao makes asks for `ReturnConsumedCapacity: TOTAL`; the units DynamoDB reports are
/// counted as read units for reads (GetItem, BatchGetItem, Query) and as write units for writes
/// (PutItem, UpdateItem, DeleteItem, TransactWriteItems).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Capacity {
    /// Read capacity units.
    pub read: f64,
    /// Write capacity units.
    pub write: f64,
}

impl Capacity {
    /// No capacity.
    pub const ZERO: Capacity = Capacity {
        read: 0.0,
        write: 0.0,
    };

    /// Read plus write units.
    pub fn total(&self) -> f64 {
        self.read + self.write
    }

    /// Read units reported by DynamoDB for one read call.
    pub(crate) fn read_from<'a>(reports: impl IntoIterator<Item = &'a ConsumedCapacity>) -> Self {
        Capacity {
            read: units(reports),
            write: 0.0,
        }
    }

    /// Write units reported by DynamoDB for one write call.
    pub(crate) fn write_from<'a>(reports: impl IntoIterator<Item = &'a ConsumedCapacity>) -> Self {
        Capacity {
            read: 0.0,
            write: units(reports),
        }
    }
}

fn units<'a>(reports: impl IntoIterator<Item = &'a ConsumedCapacity>) -> f64 {
    reports
        .into_iter()
        .filter_map(ConsumedCapacity::capacity_units)
        .sum()
}

impl Add for Capacity {
    type Output = Capacity;

    fn add(self, other: Capacity) -> Capacity {
        Capacity {
            read: self.read + other.read,
            write: self.write + other.write,
        }
    }
}

impl AddAssign for Capacity {
    fn add_assign(&mut self, other: Capacity) {
        *self = *self + other;
    }
}

impl std::iter::Sum for Capacity {
    fn sum<I: Iterator<Item = Capacity>>(iter: I) -> Capacity {
        iter.fold(Capacity::ZERO, Add::add)
    }
}

impl std::fmt::Display for Capacity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} RCU, {} WCU", self.read, self.write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_every_report_of_a_call() {
        let reports = [
            ConsumedCapacity::builder().capacity_units(0.5).build(),
            ConsumedCapacity::builder().capacity_units(1.5).build(),
            ConsumedCapacity::builder().build(),
        ];
        assert_eq!(
            Capacity::read_from(&reports),
            Capacity {
                read: 2.0,
                write: 0.0
            }
        );
        assert_eq!(Capacity::write_from(&reports[..1]).write, 0.5);
    }

    #[test]
    fn adds_up() {
        let total: Capacity = [
            Capacity {
                read: 1.0,
                write: 2.0,
            },
            Capacity {
                read: 0.5,
                write: 0.0,
            },
        ]
        .into_iter()
        .sum();
        assert_eq!(
            total,
            Capacity {
                read: 1.5,
                write: 2.0
            }
        );
        assert_eq!(total.total(), 3.5);
    }
}
