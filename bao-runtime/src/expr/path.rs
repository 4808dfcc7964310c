//! Document paths: a top-level attribute, or a place inside a map or list attribute.

use std::borrow::Cow;
use std::fmt;

/// Where a value sits in an item: an attribute (`address`), a member of a map attribute at any
/// depth (`address.geo.lat`), or an element of a list (`history[0].city`). DynamoDB calls it a
/// document path; every name in it is written through a `#nN` placeholder.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Path {
    attr: Cow<'static, str>,
    steps: Vec<Step>,
}

/// One step of a [`Path`] below its attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// A member of a map (`.city`).
    Member(&'static str),
    /// An element of a list (`[0]`).
    Index(usize),
}

impl Path {
    /// The top-level attribute `name`.
    pub const fn attr(name: &'static str) -> Path {
        Path {
            attr: Cow::Borrowed(name),
            steps: Vec::new(),
        }
    }

    /// The member `name` of the map at this path.
    #[must_use]
    pub fn member(&self, name: &'static str) -> Path {
        self.then(Step::Member(name))
    }

    /// The element `index` of the list at this path.
    #[must_use]
    pub fn index(&self, index: usize) -> Path {
        self.then(Step::Index(index))
    }

    fn then(&self, step: Step) -> Path {
        let mut steps = Vec::with_capacity(self.steps.len() + 1);
        steps.extend_from_slice(&self.steps);
        steps.push(step);
        Path {
            attr: self.attr.clone(),
            steps,
        }
    }

    /// The top-level attribute the path starts at.
    pub fn attribute(&self) -> &str {
        &self.attr
    }

    /// The steps below the attribute.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Whether one path is the other or lies inside it: DynamoDB refuses two such paths in
    /// one update.
    pub fn overlaps(&self, other: &Path) -> bool {
        let shorter = self.steps.len().min(other.steps.len());
        self.attr == other.attr && self.steps[..shorter] == other.steps[..shorter]
    }
}

/// `address.geo.lat`, `history[0].city`.
impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.attr)?;
        for step in &self.steps {
            match step {
                Step::Member(name) => write!(f, ".{name}")?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Path({self})")
    }
}

impl From<&'static str> for Path {
    fn from(attr: &'static str) -> Path {
        Path::attr(attr)
    }
}

/// An attribute named at run time (one found on a stored item).
impl From<String> for Path {
    fn from(attr: String) -> Path {
        Path {
            attr: Cow::Owned(attr),
            steps: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_members_and_elements() {
        let path = Path::attr("history").index(2).member("geo").member("lat");
        assert_eq!(path.to_string(), "history[2].geo.lat");
        assert_eq!(path.attribute(), "history");
        assert_eq!(path.steps().len(), 3);
    }

    #[test]
    fn a_path_overlaps_itself_its_parents_and_its_children_only() {
        let address = Path::attr("address");
        let city = address.member("city");
        assert!(address.overlaps(&city));
        assert!(city.overlaps(&address));
        assert!(city.overlaps(&city.clone()));
        assert!(!city.overlaps(&address.member("zip")));
        assert!(!city.overlaps(&Path::attr("city")));
        assert!(!Path::attr("a").index(0).overlaps(&Path::attr("a").index(1)));
    }
}
