//! Line charts written as SVG (plotters' SVG backend: no font library, the text is left to
//! whatever shows the file), for bench/RESULTS.md.

use plotters::prelude::*;

/// One line of a chart: its name and its points.
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// Writes a line chart of `series` to `path` (the y axis starts at 0, so that a flat line
/// looks flat and a ratio looks like one).
pub fn lines(path: &str, title: &str, x_label: &str, y_label: &str, series: &[Series]) {
    if let Err(e) = draw(path, title, x_label, y_label, series) {
        eprintln!("cannot write {path}: {e}");
    } else {
        eprintln!("wrote {path}");
    }
}

fn draw(
    path: &str,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
) -> Result<(), Box<dyn std::error::Error>> {
    let all = series.iter().flat_map(|s| s.points.iter());
    let (x_max, y_max) = all.fold((1.0_f64, 1.0_f64), |(x, y), p| (x.max(p.0), y.max(p.1)));
    let x_min = series
        .iter()
        .flat_map(|s| s.points.iter())
        .fold(x_max, |x, p| x.min(p.0));
    let root = SVGBackend::new(path, (720, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x_min..x_max, 0.0..y_max * 1.1)?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .draw()?;
    for (i, s) in series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        chart
            .draw_series(LineSeries::new(
                s.points.iter().copied(),
                color.stroke_width(2),
            ))?
            .label(s.name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color));
        if s.points.len() <= 16 {
            chart.draw_series(
                s.points
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 3, color.filled())),
            )?;
        }
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()?;
    root.present()?;
    Ok(())
}
