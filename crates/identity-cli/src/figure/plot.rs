//! Drawing the figures' PNGs with plotters: image grids with row labels, heatmaps with a
//! colour bar and axis labels, line charts with legends. One palette for every colour.

use std::path::Path;
use std::sync::Once;

use identity_core::data::Image;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::common::CliError;

/// The font of every label (DejaVu Sans, bundled; see `assets/NOTICE`).
const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bundled font is a valid TrueType file: failure here is a build defect.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

fn draw_err(e: impl std::fmt::Display) -> CliError {
    CliError::Run(format!("drawing failed: {e}"))
}

/// The diverging palette of the heatmaps: -1 blue, 0 white, 1 red; an undefined value (NaN)
/// grey.
pub fn diverging(value: f32) -> RGBColor {
    if value.is_nan() {
        return RGBColor(190, 190, 190);
    }
    let v = value.clamp(-1.0, 1.0);
    let (r, g, b) = if v >= 0.0 {
        (1.0, 1.0 - 0.8 * v, 1.0 - 0.85 * v)
    } else {
        (1.0 + 0.85 * v, 1.0 + 0.8 * v, 1.0)
    };
    RGBColor((r * 255.0) as u8, (g * 255.0) as u8, (b * 255.0) as u8)
}

/// A row of the image grid: a label and its images.
pub struct GridRow {
    /// Shown left of the row.
    pub label: String,
    /// The images (grey levels clamped to [0, 1]).
    pub images: Vec<Image>,
}

/// Draws rows of images (grey levels, clamped to [0, 1]) with row labels and a title.
pub fn image_grid(
    path: &Path,
    title: &str,
    rows: &[GridRow],
    column_labels: &[String],
) -> Result<(), CliError> {
    register_font();
    let cell = 64u32;
    let label_width = 150u32;
    let columns = rows
        .iter()
        .map(|r| r.images.len())
        .max()
        .unwrap_or(1)
        .max(1) as u32;
    let (top, gap) = (56u32, 6u32);
    // Wide enough for the title too (about 10 pixels a character at size 20).
    let width = (label_width + columns * (cell + gap) + gap).max(20 + 10 * title.len() as u32);
    let height = top + rows.len() as u32 * (cell + gap) + gap;
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err)?;
    root.draw(&Text::new(
        title.to_string(),
        (10, 8),
        ("sans-serif", 20).into_font(),
    ))
    .map_err(draw_err)?;
    for (c, label) in column_labels.iter().enumerate() {
        let x = (label_width + gap + c as u32 * (cell + gap)) as i32;
        root.draw(&Text::new(
            label.clone(),
            (x, 36),
            ("sans-serif", 11).into_font(),
        ))
        .map_err(draw_err)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let y0 = (top + r as u32 * (cell + gap)) as i32;
        root.draw(&Text::new(
            row.label.clone(),
            (8, y0 + cell as i32 / 2 - 7),
            ("sans-serif", 14).into_font(),
        ))
        .map_err(draw_err)?;
        for (c, image) in row.images.iter().enumerate() {
            let x0 = (label_width + gap + c as u32 * (cell + gap)) as i32;
            let side = image.side() as i32;
            let scale = cell as f32 / side as f32;
            for (i, byte) in image.to_bytes().into_iter().enumerate() {
                let (py, px) = (i as i32 / side, i as i32 % side);
                let a = (
                    x0 + (px as f32 * scale) as i32,
                    y0 + (py as f32 * scale) as i32,
                );
                let b = (
                    x0 + ((px + 1) as f32 * scale) as i32,
                    y0 + ((py + 1) as f32 * scale) as i32,
                );
                root.draw(&Rectangle::new([a, b], RGBColor(byte, byte, byte).filled()))
                    .map_err(draw_err)?;
            }
        }
    }
    root.present().map_err(draw_err)
}

/// One panel of a heatmap figure: values `[row][column]` in [-1, 1].
pub struct HeatmapPanel {
    /// The panel's title, e.g. "correlation to the identity".
    pub title: String,
    /// The values, a row per network.
    pub values: Vec<Vec<f32>>,
    /// The value drawn at full colour (1 for correlations; the largest value for MSE).
    pub colour_scale: f32,
    /// The spread of each value over seeds, written under it (`None`: one seed).
    pub spread: Option<Vec<Vec<f32>>>,
}

/// Draws heatmap panels side by side, sharing row and column labels, with a colour bar.
pub fn heatmaps(
    path: &Path,
    title: &str,
    panels: &[HeatmapPanel],
    rows: &[String],
    columns: &[String],
    axes: (&str, &str),
) -> Result<(), CliError> {
    register_font();
    let font = |size| ("sans-serif", size).into_font();
    let cell = 34i32;
    // The row labels start at `label_x`; the first panel starts after the longest of them.
    let (label_x, label_size) = (40i32, 12);
    let mut longest = 0;
    for row in rows {
        let (w, _) = font(label_size).box_size(row).map_err(draw_err)?;
        longest = longest.max(w as i32);
    }
    let (left, top) = ((label_x + longest + 8).max(90), 70i32);
    let panel_width = (columns.len() as i32 * cell + 40).max(280);
    let width = (left + panels.len() as i32 * panel_width + 90) as u32;
    let height = (top + rows.len() as i32 * cell + 60) as u32;
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err)?;
    root.draw(&Text::new(title.to_string(), (10, 8), font(20)))
        .map_err(draw_err)?;
    root.draw(&Text::new(axes.1.to_string(), (8, top - 18), font(12)))
        .map_err(draw_err)?;
    for (p, panel) in panels.iter().enumerate() {
        let x0 = left + p as i32 * panel_width;
        root.draw(&Text::new(panel.title.clone(), (x0, 36), font(14)))
            .map_err(draw_err)?;
        for (r, values) in panel.values.iter().enumerate() {
            let y = top + r as i32 * cell;
            if p == 0 {
                root.draw(&Text::new(
                    rows[r].clone(),
                    (label_x, y + cell / 2 - 6),
                    font(label_size),
                ))
                .map_err(draw_err)?;
            }
            for (c, &v) in values.iter().enumerate() {
                let x = x0 + c as i32 * cell;
                let shade = v / panel.colour_scale.max(f32::MIN_POSITIVE);
                root.draw(&Rectangle::new(
                    [(x, y), (x + cell - 1, y + cell - 1)],
                    diverging(shade).filled(),
                ))
                .map_err(draw_err)?;
                let ink = if shade.abs() > 0.6 { WHITE } else { BLACK };
                let spread = panel
                    .spread
                    .as_ref()
                    .and_then(|s| s.get(r).and_then(|row| row.get(c)))
                    .filter(|s| s.is_finite());
                let shown = if v.is_nan() {
                    "n/a".to_string()
                } else {
                    format!("{v:.2}")
                };
                // With a spread, the mean above and the spread below it.
                let lift = if spread.is_some() { 7 } else { 0 };
                root.draw(&Text::new(
                    shown,
                    (x + 3, y + cell / 2 - 5 - lift),
                    font(10).color(&ink),
                ))
                .map_err(draw_err)?;
                if let Some(s) = spread {
                    root.draw(&Text::new(
                        format!("\u{b1}{s:.2}"),
                        (x + 3, y + cell / 2 + 2),
                        font(9).color(&ink),
                    ))
                    .map_err(draw_err)?;
                }
            }
        }
        let y = top + rows.len() as i32 * cell + 4;
        for (c, label) in columns.iter().enumerate() {
            root.draw(&Text::new(
                label.clone(),
                (x0 + c as i32 * cell + 4, y),
                font(11),
            ))
            .map_err(draw_err)?;
        }
    }
    let below = top + rows.len() as i32 * cell + 24;
    root.draw(&Text::new(axes.0.to_string(), (left, below), font(12)))
        .map_err(draw_err)?;
    // The colour bar, -1 at the bottom to 1 at the top.
    let bar_x = left + panels.len() as i32 * panel_width + 10;
    let bar_h = (rows.len() as i32 * cell).max(100);
    for i in 0..bar_h {
        let v = 1.0 - 2.0 * i as f32 / (bar_h - 1) as f32;
        root.draw(&Rectangle::new(
            [(bar_x, top + i), (bar_x + 16, top + i + 1)],
            diverging(v).filled(),
        ))
        .map_err(draw_err)?;
    }
    let top_value = panels.first().map_or(1.0, |p| p.colour_scale);
    for (v, dy) in [
        (format!("{top_value:.2}"), 0),
        ("0".into(), bar_h / 2),
        (format!("{:.2}", -top_value), bar_h - 10),
    ] {
        root.draw(&Text::new(v, (bar_x + 22, top + dy), font(11)))
            .map_err(draw_err)?;
    }
    root.present().map_err(draw_err)
}

/// One line of a line chart.
pub struct Series {
    /// The legend's text.
    pub label: String,
    /// The points.
    pub points: Vec<(f32, f32)>,
    /// The spread of each point over seeds, drawn as an error bar (empty: none).
    pub spread: Vec<f32>,
}

/// Draws a line chart with axis labels and a legend.
pub fn line_chart(
    path: &Path,
    title: &str,
    series: &[Series],
    axes: (&str, &str),
) -> Result<(), CliError> {
    register_font();
    let (mut x_max, mut y_min, mut y_max) = (1.0f32, 0.0f32, 0.0f32);
    for (s, &(x, y)) in series.iter().flat_map(|s| {
        s.points
            .iter()
            .enumerate()
            .map(move |(i, p)| (s.spread.get(i).copied().unwrap_or(0.0), p))
    }) {
        x_max = x_max.max(x);
        y_min = y_min.min(y - s);
        y_max = y_max.max(y + s);
    }

    let root = BitMapBackend::new(path, (720, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(0f32..x_max * 1.02, y_min * 1.1..(y_max * 1.1).max(1e-3))
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_desc(axes.0)
        .y_desc(axes.1)
        .draw()
        .map_err(draw_err)?;
    for (i, s) in series.iter().enumerate() {
        let colour = Palette99::pick(i).to_rgba();
        chart
            .draw_series(
                s.points
                    .iter()
                    .zip(&s.spread)
                    .filter(|(_, d)| **d > 0.0)
                    .map(|(&(x, y), &d)| {
                        PathElement::new(vec![(x, y - d), (x, y + d)], colour.stroke_width(1))
                    }),
            )
            .map_err(draw_err)?;
        chart
            .draw_series(LineSeries::new(s.points.clone(), colour.stroke_width(2)))
            .map_err(draw_err)?
            .label(s.label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(draw_err)?;
    root.present().map_err(draw_err)
}
