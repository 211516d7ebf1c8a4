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
    report(path, draw(path, title, x_label, y_label, series));
}

/// Says whether a chart was written (a chart that cannot be written fails no benchmark).
fn report(path: &str, drawn: Result<(), Box<dyn std::error::Error>>) {
    match drawn {
        Ok(()) => eprintln!("wrote {path}"),
        Err(e) => eprintln!("cannot write {path}: {e}"),
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
    let whole = |v: &f64| format!("{v:.0}");
    let y_fmt = |v: &f64| {
        if y_max >= 100.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    };
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .x_label_formatter(&whole)
        .y_label_formatter(&y_fmt)
        .light_line_style(WHITE)
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

/// Writes a horizontal bar chart to `path`: one band per label, one bar per series in each
/// band, and a line at 1 (a ratio's break-even).
pub fn ratios(path: &str, title: &str, labels: &[String], series: &[Series]) {
    report(path, draw_ratios(path, title, labels, series));
}

fn draw_ratios(
    path: &str,
    title: &str,
    labels: &[String],
    series: &[Series],
) -> Result<(), Box<dyn std::error::Error>> {
    let n = labels.len();
    let x_max = series
        .iter()
        .flat_map(|s| s.points.iter())
        .fold(1.2_f64, |m, p| m.max(p.1))
        * 1.05;
    let height = 80 + 26 * n as u32;
    let root = SVGBackend::new(path, (760, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(210)
        .build_cartesian_2d(0.0..x_max, -0.5..(n as f64 - 0.5))?;
    let label = |y: &f64| {
        let i = y.round();
        if (y - i).abs() < 1e-6 && i >= 0.0 {
            labels.get(n - 1 - i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .y_labels(n)
        .y_label_formatter(&label)
        .x_label_formatter(&|v: &f64| format!("{v:.1}×"))
        .disable_y_mesh()
        .light_line_style(WHITE)
        .draw()?;
    let per = 0.8 / series.len().max(1) as f64;
    for (j, s) in series.iter().enumerate() {
        let color = COLORS[j % COLORS.len()];
        chart
            .draw_series(s.points.iter().map(|&(i, v)| {
                // The first label at the top.
                let top = (n as f64 - 1.0 - i) + 0.4 - per * j as f64;
                Rectangle::new([(0.0, top), (v, top - per)], color.filled())
            }))?
            .label(s.name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
    }
    chart.draw_series(LineSeries::new(
        [(1.0, -0.5), (1.0, n as f64 - 0.5)],
        BLACK.stroke_width(1),
    ))?;
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()?;
    root.present()?;
    Ok(())
}
