//! JavaScript number formatting and DynamoDB number parsing.
//!
//! DynamoBao formats numbers with JavaScript's `Number.prototype` methods, so keys and stored
//! values written by bao must use the same algorithms: `toString` (shortest round-trip digits,
//! exponent form outside `[1e-7, 1e21)`), `toExponential(n)` and `toFixed(n)` (both round the
//! exact binary value half away from zero, where Rust's formatter rounds half to even).

/// `Number.prototype.toString()` of a finite or non-finite `f64`.
pub(crate) fn to_js_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    if x < 0.0 {
        return format!("-{}", to_js_string(-x));
    }
    if x.is_infinite() {
        return "Infinity".to_owned();
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, like JavaScript.
    let (digits, exponent) = split_exponential(&format!("{x:e}"));
    let k = digits.len() as i32;
    let n = exponent + 1;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        format!("{first}{dot}{rest}e{}", signed_exponent(n - 1))
    }
}

/// `Number.prototype.toExponential(fraction_digits)`.
pub(crate) fn to_js_exponential(x: f64, fraction_digits: usize) -> String {
    if let Some(text) = non_finite(x) {
        return text;
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let x = x.abs();
    let (digits, exponent) = if x == 0.0 {
        ("0".repeat(fraction_digits + 1), 0)
    } else if is_tie(&format!("{x:.*e}", fraction_digits + 1)) {
        let (exact, exponent) = split_exponential(&format!("{x:.800e}"));
        let (mut digits, carried) = round_half_up(&exact, fraction_digits + 1);
        digits.truncate(fraction_digits + 1);
        (digits, exponent + i32::from(carried))
    } else {
        split_exponential(&format!("{x:.fraction_digits$e}"))
    };
    let (first, rest) = digits.split_at(1);
    let dot = if rest.is_empty() { "" } else { "." };
    format!("{sign}{first}{dot}{rest}e{}", signed_exponent(exponent))
}

/// `Number.prototype.toFixed(fraction_digits)`. JavaScript accepts at most 100 digits and
/// throws above that; this function accepts any count.
pub(crate) fn to_js_fixed(x: f64, fraction_digits: usize) -> String {
    if let Some(text) = non_finite(x) {
        return text;
    }
    if x.abs() >= 1e21 {
        return to_js_string(x);
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let x = x.abs();
    let text = if is_tie(&format!("{x:.*}", fraction_digits + 1)) {
        // 1100 fraction digits hold the exact value of any f64 below 1e21.
        let exact = format!("{x:.1100}");
        let (int, frac) = exact.split_once('.').unwrap_or((&exact, ""));
        let (digits, carried) = round_half_up(&format!("{int}{frac}"), int.len() + fraction_digits);
        let int_len = int.len() + usize::from(carried);
        let (int, frac) = digits.split_at(int_len);
        if frac.is_empty() {
            int.to_owned()
        } else {
            format!("{int}.{frac}")
        }
    } else {
        format!("{x:.fraction_digits$}")
    };
    format!("{sign}{text}")
}

/// A DynamoDB `N` value read as a number: exactly as an `i64` when it is one, else as an `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Number {
    /// An integer that fits in an `i64`.
    Int(i64),
    /// Any other finite number.
    Float(f64),
}

impl Number {
    /// Parses DynamoDB's number text (`"-12"`, `"1.5"`, `"1E+21"`).
    pub(crate) fn parse(text: &str) -> Result<Number, String> {
        if let Ok(int) = text.parse::<i64>() {
            return Ok(Number::Int(int));
        }
        match text.parse::<f64>() {
            Ok(float) if float.is_finite() => Ok(Number::Float(float)),
            _ => Err(format!("`{text}` is not a finite number")),
        }
    }

    /// The value as an `f64`.
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Number::Int(int) => int as f64,
            Number::Float(float) => float,
        }
    }

    /// The value truncated toward zero, like a JavaScript `Date` built from a fractional time.
    pub(crate) fn truncate(self) -> Result<i64, String> {
        match self {
            Number::Int(int) => Ok(int),
            // `i64::MIN as f64` is exactly -2^63; 2^63 itself is out of range.
            Number::Float(float) if (i64::MIN as f64..-(i64::MIN as f64)).contains(&float) => {
                Ok(float.trunc() as i64)
            }
            Number::Float(float) => Err(format!("{float} is out of the range of a 64-bit integer")),
        }
    }

    /// The text JavaScript's `String(number)` gives for this value.
    pub(crate) fn to_js_string(self) -> String {
        match self {
            Number::Int(int) => itoa::Buffer::new().format(int).to_owned(),
            Number::Float(float) => to_js_string(float),
        }
    }
}

fn non_finite(x: f64) -> Option<String> {
    (!x.is_finite()).then(|| to_js_string(x))
}

/// Splits Rust's `d.ddde-7` into (`dddd`, -7).
fn split_exponential(text: &str) -> (String, i32) {
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exponent.parse().unwrap_or(0))
}

fn signed_exponent(exponent: i32) -> String {
    if exponent < 0 {
        exponent.to_string()
    } else {
        format!("+{exponent}")
    }
}

/// Whether a value printed with one more digit than wanted may sit exactly halfway between two
/// candidates: only then do half-to-even and half-away-from-zero rounding disagree.
fn is_tie(probe: &str) -> bool {
    let mantissa = probe
        .split_once('e')
        .map_or(probe, |(mantissa, _)| mantissa);
    mantissa.ends_with('5')
}

/// Keeps the first `keep` digits of an exact decimal expansion, rounding half up. Returns the
/// digits and whether a carry out of the first digit added one (`99|5` -> `100`).
fn round_half_up(exact: &str, keep: usize) -> (String, bool) {
    let mut digits: Vec<u8> = exact.bytes().take(keep).collect();
    digits.resize(keep, b'0');
    let mut carried = false;
    if exact
        .as_bytes()
        .get(keep)
        .is_some_and(|digit| *digit >= b'5')
    {
        carried = true;
        for digit in digits.iter_mut().rev() {
            if *digit == b'9' {
                *digit = b'0';
            } else {
                *digit += 1;
                carried = false;
                break;
            }
        }
        if carried {
            digits.insert(0, b'1');
        }
    }
    (String::from_utf8_lossy(&digits).into_owned(), carried)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected strings come from Node.js 20: `String(x)`, `x.toExponential(20)`,
    // `x.toFixed(0)`, `x.toFixed(2)`.
    const JS: &[(f64, &str, &str, &str, &str)] = &[
        (0.0, "0", "0.00000000000000000000e+0", "0", "0.00"),
        (-0.0, "0", "0.00000000000000000000e+0", "0", "0.00"),
        (1.0, "1", "1.00000000000000000000e+0", "1", "1.00"),
        (-1.0, "-1", "-1.00000000000000000000e+0", "-1", "-1.00"),
        (1.5, "1.5", "1.50000000000000000000e+0", "2", "1.50"),
        (-1.5, "-1.5", "-1.50000000000000000000e+0", "-2", "-1.50"),
        (0.1, "0.1", "1.00000000000000005551e-1", "0", "0.10"),
        (0.2, "0.2", "2.00000000000000011102e-1", "0", "0.20"),
        (0.3, "0.3", "2.99999999999999988898e-1", "0", "0.30"),
        (
            123.456,
            "123.456",
            "1.23456000000000003070e+2",
            "123",
            "123.46",
        ),
        (
            -123.456,
            "-123.456",
            "-1.23456000000000003070e+2",
            "-123",
            "-123.46",
        ),
        (
            1e21,
            "1e+21",
            "1.00000000000000000000e+21",
            "1e+21",
            "1e+21",
        ),
        (1e-7, "1e-7", "9.99999999999999954748e-8", "0", "0.00"),
        (
            0.000001,
            "0.000001",
            "9.99999999999999954748e-7",
            "0",
            "0.00",
        ),
        (
            123456789012345680000.0,
            "123456789012345680000",
            "1.23456789012345683968e+20",
            "123456789012345683968",
            "123456789012345683968.00",
        ),
        (5e-324, "5e-324", "4.94065645841246544177e-324", "0", "0.00"),
        (
            1.7976931348623157e308,
            "1.7976931348623157e+308",
            "1.79769313486231570815e+308",
            "1.7976931348623157e+308",
            "1.7976931348623157e+308",
        ),
        (2.5, "2.5", "2.50000000000000000000e+0", "3", "2.50"),
        (0.5, "0.5", "5.00000000000000000000e-1", "1", "0.50"),
        (9.5, "9.5", "9.50000000000000000000e+0", "10", "9.50"),
        (99.5, "99.5", "9.95000000000000000000e+1", "100", "99.50"),
        (
            1.0 / 3.0,
            "0.3333333333333333",
            "3.33333333333333314830e-1",
            "0",
            "0.33",
        ),
        (
            2.0 / 3.0,
            "0.6666666666666666",
            "6.66666666666666629659e-1",
            "1",
            "0.67",
        ),
        (
            1e100,
            "1e+100",
            "1.00000000000000001590e+100",
            "1e+100",
            "1e+100",
        ),
        (
            12345.6789,
            "12345.6789",
            "1.23456789000000007945e+4",
            "12346",
            "12345.68",
        ),
        (
            0.000001234,
            "0.000001234",
            "1.23399999999999995898e-6",
            "0",
            "0.00",
        ),
        (1.005, "1.005", "1.00499999999999989342e+0", "1", "1.00"),
        (8.345, "8.345", "8.34500000000000063949e+0", "8", "8.35"),
        (
            -8.345,
            "-8.345",
            "-8.34500000000000063949e+0",
            "-8",
            "-8.35",
        ),
        (0.125, "0.125", "1.25000000000000000000e-1", "0", "0.13"),
        (
            -0.125,
            "-0.125",
            "-1.25000000000000000000e-1",
            "-0",
            "-0.13",
        ),
        (
            1e20,
            "100000000000000000000",
            "1.00000000000000000000e+20",
            "100000000000000000000",
            "100000000000000000000.00",
        ),
        (
            1234.5,
            "1234.5",
            "1.23450000000000000000e+3",
            "1235",
            "1234.50",
        ),
        (1e-10, "1e-10", "1.00000000000000003643e-10", "0", "0.00"),
    ];

    #[test]
    fn formats_like_javascript() {
        for &(x, string, exponential, fixed0, fixed2) in JS {
            assert_eq!(to_js_string(x), string, "String({x})");
            assert_eq!(
                to_js_exponential(x, 20),
                exponential,
                "({x}).toExponential(20)"
            );
            assert_eq!(to_js_fixed(x, 0), fixed0, "({x}).toFixed(0)");
            assert_eq!(to_js_fixed(x, 2), fixed2, "({x}).toFixed(2)");
        }
    }

    #[test]
    fn exponential_ties_round_away_from_zero() {
        // Exact binary values with 22 significant digits ending in 5; Rust's own formatter
        // rounds these half to even. Expected strings from Node.js `toExponential(20)`.
        assert_eq!(
            to_js_exponential(1.0028481483459473e-5, 20),
            "1.00284814834594726563e-5"
        );
        assert_eq!(
            to_js_exponential(1.0088086128234863e-5, 20),
            "1.00880861282348632813e-5"
        );
        assert_eq!(
            to_js_exponential(-1.0147690773010254e-5, 20),
            "-1.01476907730102539063e-5"
        );
        assert_eq!(
            to_js_exponential(2.7939677238464355e-9, 20),
            "2.79396772384643554688e-9"
        );
    }

    #[test]
    fn exponential_carry_adds_a_digit() {
        // (9.5).toExponential(0) === "1e+1", (0.95).toExponential(0) === "1e+0"
        assert_eq!(to_js_exponential(9.5, 0), "1e+1");
        assert_eq!(to_js_exponential(0.95, 0), "9e-1");
        assert_eq!(to_js_exponential(99.5, 1), "1.0e+2");
    }

    #[test]
    fn non_finite_values() {
        assert_eq!(to_js_string(f64::NAN), "NaN");
        assert_eq!(to_js_string(f64::INFINITY), "Infinity");
        assert_eq!(to_js_exponential(f64::NEG_INFINITY, 20), "-Infinity");
        assert_eq!(to_js_fixed(f64::NAN, 2), "NaN");
    }

    #[test]
    fn parses_dynamodb_numbers() {
        assert_eq!(Number::parse("42"), Ok(Number::Int(42)));
        assert_eq!(
            Number::parse("-9223372036854775808"),
            Ok(Number::Int(i64::MIN))
        );
        assert_eq!(Number::parse("12.7"), Ok(Number::Float(12.7)));
        assert_eq!(Number::parse("1E+21"), Ok(Number::Float(1e21)));
        assert!(Number::parse("abc").is_err());
        assert!(Number::parse("NaN").is_err());
        assert!(Number::parse("inf").is_err());
        assert_eq!(Number::Float(-12.7).truncate(), Ok(-12));
        assert!(Number::Float(9.3e18).truncate().is_err());
        assert_eq!(Number::Float(i64::MIN as f64).truncate(), Ok(i64::MIN));
        assert_eq!(Number::Float(1e21).to_js_string(), "1e+21");
    }
}
