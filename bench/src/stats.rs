//! Medians, process CPU time and peak memory.

use nix::sys::resource::{UsageWho, getrusage};
use std::time::Duration;

/// The median of `values` (the mean of the middle two for an even count); 0 for none.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The median of `numerators[i] / denominators[i]`: the ratio of two sides measured in turns,
/// each measurement beside its counterpart. The machine's speed drifts while a section runs;
/// a ratio of two measurements taken one after the other cancels that drift, where the ratio
/// of each side's median keeps it (the two medians can come from turns run at different
/// speeds). 0 for none.
///
/// # Panics
/// If the two sides do not have one measurement per turn each.
pub fn paired_ratio(numerators: &[f64], denominators: &[f64]) -> f64 {
    assert_eq!(
        numerators.len(),
        denominators.len(),
        "a paired ratio needs one measurement of each side per turn"
    );
    let ratios: Vec<f64> = numerators
        .iter()
        .zip(denominators)
        .map(|(numerator, denominator)| numerator / denominator)
        .collect();
    median(&ratios)
}

/// The geometric mean of `values`; 0 for none.
pub fn geometric_mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let log_sum: f64 = values.iter().map(|value| value.ln()).sum();
    (log_sum / values.len() as f64).exp()
}

/// User plus system CPU time of this whole process (every thread) so far, from `getrusage`.
pub fn process_cpu() -> Duration {
    match getrusage(UsageWho::RUSAGE_SELF) {
        Ok(usage) => {
            let micros = |time: nix::sys::time::TimeVal| {
                Duration::from_secs(time.tv_sec().unsigned_abs())
                    + Duration::from_micros(time.tv_usec().unsigned_abs())
            };
            micros(usage.user_time()) + micros(usage.system_time())
        }
        Err(_) => Duration::ZERO,
    }
}

/// This process's peak resident set size in bytes (`VmHWM` of `/proc/self/status`).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Milliseconds of a duration, as a float.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// Bytes in MiB.
pub fn mib(bytes: f64) -> f64 {
    bytes / (1024.0 * 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paired_ratio_compares_each_turn_with_its_counterpart() {
        // The machine slows down after the first turns; one side costs 5% more in every turn.
        let base = [100.0, 100.0, 180.0, 200.0, 220.0];
        let side: Vec<f64> = base.iter().map(|value| value * 1.05).collect();
        assert!((paired_ratio(&side, &base) - 1.05).abs() < 1e-9);

        // One turn disturbed on each side: the median of the turns' ratios stays, the ratio of
        // the sides' medians does not.
        let mut disturbed = side.clone();
        disturbed[1] *= 2.0;
        let mut slow_base = base.to_vec();
        slow_base[3] *= 1.5;
        assert!((paired_ratio(&disturbed, &slow_base) - 1.05).abs() < 1e-9);
        assert!(median(&disturbed) / median(&slow_base) > 1.1);
        assert_eq!(paired_ratio(&[], &[]), 0.0);
        let unpaired = std::panic::catch_unwind(|| paired_ratio(&[1.0, 2.0], &[1.0]));
        assert!(unpaired.is_err(), "turns without a counterpart are refused");
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }

    #[test]
    fn geometric_mean_of_ratios() {
        assert!((geometric_mean(&[0.5, 2.0]) - 1.0).abs() < 1e-12);
        assert!((geometric_mean(&[1.0, 1.0, 8.0]) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn cpu_time_grows_with_work() {
        let before = process_cpu();
        let mut x = 0u64;
        while process_cpu() == before {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        assert!(process_cpu() > before);
    }

    #[test]
    fn peak_rss_is_read() {
        assert!(peak_rss_bytes().is_some_and(|bytes| bytes > 0));
    }
}
