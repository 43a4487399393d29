use std::fmt;
use std::str::FromStr;

use super::IdentifierError;
use super::IdentifierWarning;
use super::nik::{check_region, digits16, pair, plausible_date};

/// A No. KK (Nomor Kartu Keluarga), the 16-digit family card number. The
/// first six digits are the issuing region \[R: domain.md §10, S23\]; the rest
/// is read as an issue date `DDMMYY` and a serial \[M\], so oddities there are
/// only warnings.
///
/// ```
/// use lk3_core::ids::NoKk;
/// let kk = NoKk::parse("6474012005100003")?;
/// assert!(kk.warnings().is_empty());
/// assert!(NoKk::parse("0074012005100003").is_err());
/// # Ok::<(), lk3_core::ids::IdentifierError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NoKk([u8; 16]);

impl NoKk {
    /// Parses and checks a No. KK.
    pub fn parse(s: &str) -> Result<Self, IdentifierError> {
        let d = digits16(s).map_err(|(length, non_digits)| IdentifierError::KkFormat { length, non_digits })?;
        check_region(&d).map_err(|(part, _)| IdentifierError::KkRegion { part })?;
        Ok(NoKk(d))
    }

    /// Oddities in the parts whose layout is not confirmed by a read source.
    pub fn warnings(&self) -> Vec<IdentifierWarning> {
        let d = &self.0;
        let mut out = Vec::new();
        if !plausible_date(pair(d, 6), pair(d, 8), pair(d, 10)) {
            out.push(IdentifierWarning::KkDateOdd);
        }
        if d[12..].iter().all(|x| *x == 0) {
            out.push(IdentifierWarning::KkSerialZero);
        }
        out
    }

    /// The issuing region as `PP.KK.CC`.
    pub fn region(&self) -> String {
        let d = &self.0;
        format!("{:02}.{:02}.{:02}", pair(d, 0), pair(d, 2), pair(d, 4))
    }
}

impl fmt::Display for NoKk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|d| write!(f, "{d}"))
    }
}

impl fmt::Debug for NoKk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "NoKk({}**********{}{})",
            self.region().replace('.', "").get(..4).unwrap_or(""),
            self.0[14],
            self.0[15]
        )
    }
}

impl FromStr for NoKk {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
