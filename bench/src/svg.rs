//! `docs/benchmarks.svg`: a bar chart of the CPU ratios and the codegen times, written by a
//! tiny SVG writer.

use std::fmt::Write;

const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 330.0;
const BAR: &str = "#3b6ea8";
const GOAL: &str = "#c0392b";
const REFERENCE: &str = "#888888";

/// An SVG document being written.
struct Svg {
    body: String,
}

impl Svg {
    fn new() -> Svg {
        let mut body = String::new();
        let _ = writeln!(
            body,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(
            body,
            r#"<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>"#
        );
        Svg { body }
    }

    fn rect(&mut self, x: f64, y: f64, width: f64, height: f64, fill: &str) {
        let _ = writeln!(
            self.body,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{fill}"/>"#,
            width.max(0.0),
            height.max(0.0)
        );
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, dashed: bool) {
        let dash = if dashed {
            r#" stroke-dasharray="4 3""#
        } else {
            ""
        };
        let _ = writeln!(
            self.body,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{stroke}" stroke-width="1.5"{dash}/>"#
        );
    }

    fn text(&mut self, x: f64, y: f64, anchor: &str, fill: &str, text: &str) {
        let text = text
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let _ = writeln!(
            self.body,
            r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" fill="{fill}">{text}</text>"#
        );
    }

    fn finish(mut self) -> String {
        self.body.push_str("</svg>\n");
        self.body
    }
}

/// A codegen bar: models, wall ms, target ms, DynamoBao's ms.
pub type CodegenBar = (usize, f64, Option<f64>, Option<f64>);

/// The chart: CPU ratio per operation on the left, codegen time per schema size on the right.
pub fn chart(ratios: &[(&str, f64)], codegen: &[CodegenBar]) -> String {
    let mut svg = Svg::new();
    ratio_panel(&mut svg, ratios);
    codegen_panel(&mut svg, codegen);
    svg.finish()
}

fn ratio_panel(svg: &mut Svg, ratios: &[(&str, f64)]) {
    let (left, top, width) = (120.0, 50.0, 300.0);
    svg.text(
        20.0,
        24.0,
        "start",
        "black",
        "Client CPU per operation, bao / hand-written SDK",
    );
    let max = ratios
        .iter()
        .map(|(_, ratio)| *ratio)
        .fold(1.3_f64, f64::max)
        * 1.1;
    let x = |ratio: f64| left + width * ratio / max;
    let row = 34.0;
    for (index, (label, ratio)) in ratios.iter().enumerate() {
        let y = top + row * index as f64;
        svg.text(left - 8.0, y + 16.0, "end", "black", label);
        svg.rect(left, y + 4.0, x(*ratio) - left, 18.0, BAR);
        svg.text(
            x(*ratio) + 4.0,
            y + 17.0,
            "start",
            "black",
            &format!("{ratio:.2}"),
        );
    }
    let bottom = top + row * ratios.len() as f64 + 4.0;
    svg.line((left, top), (left, bottom), "black", false);
    svg.line((x(1.0), top), (x(1.0), bottom), REFERENCE, true);
    svg.text(x(1.0), bottom + 14.0, "middle", REFERENCE, "1.00");
    svg.line((x(1.1), top), (x(1.1), bottom), GOAL, true);
    svg.text(x(1.1), bottom + 28.0, "middle", GOAL, "goal 1.10");
}

fn codegen_panel(svg: &mut Svg, bars: &[CodegenBar]) {
    let (left, bottom, height, slot) = (540.0, 280.0, 210.0, 150.0);
    svg.text(
        500.0,
        24.0,
        "start",
        "black",
        "bao codegen, whole process (ms)",
    );
    let max = bars
        .iter()
        .flat_map(|(_, ms, target, reference)| [Some(*ms), *target, *reference])
        .flatten()
        .fold(1.0_f64, f64::max)
        * 1.1;
    let y = |ms: f64| bottom - height * ms / max;
    for (index, (models, ms, target, reference)) in bars.iter().enumerate() {
        let x = left + slot * index as f64;
        svg.rect(x, y(*ms), 50.0, bottom - y(*ms), BAR);
        svg.text(
            x + 25.0,
            y(*ms) - 5.0,
            "middle",
            "black",
            &format!("{ms:.0}"),
        );
        svg.text(
            x + 25.0,
            bottom + 16.0,
            "middle",
            "black",
            &format!("{models} models"),
        );
        if let Some(target) = target {
            svg.line((x - 8.0, y(*target)), (x + 58.0, y(*target)), GOAL, true);
            svg.text(
                x + 60.0,
                y(*target) + 4.0,
                "start",
                GOAL,
                &format!("target {target:.0}"),
            );
        }
        if let Some(reference) = reference {
            svg.line(
                (x - 8.0, y(*reference)),
                (x + 58.0, y(*reference)),
                REFERENCE,
                true,
            );
            svg.text(
                x + 60.0,
                y(*reference) + 4.0,
                "start",
                REFERENCE,
                &format!("DynamoBao {reference:.0}"),
            );
        }
    }
    svg.line(
        (left - 20.0, bottom),
        (left + slot * bars.len() as f64, bottom),
        "black",
        false,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_is_one_svg_with_a_bar_per_value() {
        let svg = chart(
            &[("find", 1.02), ("a<b", 0.97)],
            &[
                (10, 12.0, None, None),
                (100, 80.0, Some(100.0), Some(190.0)),
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert_eq!(svg.matches("<rect").count(), 1 + 2 + 2);
        assert!(svg.contains("a&lt;b"));
        assert!(svg.contains("DynamoBao 190"));
    }
}
