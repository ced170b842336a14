//! Captchas for sign-in and forgot-password (manual 1.1): five digits drawn as jittered strokes
//! in an SVG (no text for a script to read), stored hashed in the database so that any server
//! instance can check them, single use, valid five minutes.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::schema::captchas;
use crate::secrets::{random_bytes, sha256_hex};

pub const LIFETIME_SECONDS: i64 = 300;
const DIGITS: usize = 5;

/// Stroke paths of the digits on a 10×16 cell (seven-segment shapes with diagonals).
fn strokes(d: u8) -> &'static [&'static [(f32, f32)]] {
    match d {
        0 => &[&[(1.0, 1.0), (9.0, 1.0), (9.0, 15.0), (1.0, 15.0), (1.0, 1.0)], &[(9.0, 1.0), (1.0, 15.0)]],
        1 => &[&[(3.0, 4.0), (6.0, 1.0), (6.0, 15.0)], &[(3.0, 15.0), (9.0, 15.0)]],
        2 => &[&[(1.0, 1.0), (9.0, 1.0), (9.0, 8.0), (1.0, 8.0), (1.0, 15.0), (9.0, 15.0)]],
        3 => &[&[(1.0, 1.0), (9.0, 1.0), (9.0, 15.0), (1.0, 15.0)], &[(3.0, 8.0), (9.0, 8.0)]],
        4 => &[&[(1.0, 1.0), (1.0, 8.0), (9.0, 8.0)], &[(7.0, 1.0), (7.0, 15.0)]],
        5 => &[&[(9.0, 1.0), (1.0, 1.0), (1.0, 8.0), (9.0, 8.0), (9.0, 15.0), (1.0, 15.0)]],
        6 => &[&[(9.0, 1.0), (1.0, 1.0), (1.0, 15.0), (9.0, 15.0), (9.0, 8.0), (1.0, 8.0)]],
        7 => &[&[(1.0, 1.0), (9.0, 1.0), (4.0, 15.0)]],
        8 => &[&[(1.0, 1.0), (9.0, 1.0), (9.0, 15.0), (1.0, 15.0), (1.0, 1.0)], &[(1.0, 8.0), (9.0, 8.0)]],
        _ => &[&[(9.0, 8.0), (1.0, 8.0), (1.0, 1.0), (9.0, 1.0), (9.0, 15.0), (1.0, 15.0)]],
    }
}

/// A pseudo-random stream from the OS generator, for drawing only.
struct Jitter {
    bytes: [u8; 64],
    at: usize,
}

impl Jitter {
    fn new() -> Jitter {
        Jitter { bytes: random_bytes::<64>(), at: 0 }
    }

    /// A value in [-1, 1].
    fn next(&mut self) -> f32 {
        if self.at >= self.bytes.len() {
            self.bytes = random_bytes::<64>();
            self.at = 0;
        }
        let b = self.bytes[self.at];
        self.at += 1;
        (b as f32 / 127.5) - 1.0
    }
}

/// Draws `answer` (digits) as an SVG image.
pub fn render_svg(answer: &str) -> String {
    let mut j = Jitter::new();
    let (w, h) = (160.0_f32, 56.0_f32);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\"><rect width=\"100%\" height=\"100%\" fill=\"#f4f6f8\"/>"
    );
    for _ in 0..6 {
        svg.push_str(&format!(
            "<path d=\"M{:.1} {:.1} Q{:.1} {:.1} {:.1} {:.1}\" stroke=\"#9aa5b1\" stroke-width=\"1.2\" fill=\"none\"/>",
            5.0 + 20.0 * (j.next() + 1.0),
            h / 2.0 + 25.0 * j.next(),
            w / 2.0 + 40.0 * j.next(),
            h / 2.0 + 30.0 * j.next(),
            w - 5.0 - 20.0 * (j.next() + 1.0),
            h / 2.0 + 25.0 * j.next()
        ));
    }
    for (i, ch) in answer.bytes().enumerate() {
        let digit = ch.wrapping_sub(b'0');
        let scale = 2.2 + 0.25 * j.next();
        let angle = 0.25 * j.next();
        let (ox, oy) = (14.0 + i as f32 * 28.0 + 3.0 * j.next(), 10.0 + 4.0 * j.next());
        let (sin, cos) = angle.sin_cos();
        for stroke in strokes(digit) {
            let mut d = String::new();
            for (k, (x, y)) in stroke.iter().enumerate() {
                let (x, y) = ((x - 5.0) * scale * 0.9 + 0.6 * j.next(), (y - 8.0) * scale * 0.9 + 0.6 * j.next());
                let (rx, ry) = (x * cos - y * sin + ox + 9.0, x * sin + y * cos + oy + 18.0);
                d.push_str(&format!("{}{rx:.1} {ry:.1} ", if k == 0 { "M" } else { "L" }));
            }
            svg.push_str(&format!(
                "<path d=\"{}\" stroke=\"#1f3a5f\" stroke-width=\"{:.1}\" stroke-linecap=\"round\" stroke-linejoin=\"round\" fill=\"none\"/>",
                d.trim_end(),
                2.6 + 0.6 * j.next()
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

fn answer_hash(id: &str, answer: &str) -> String {
    sha256_hex(format!("{id}:{}", answer.trim()).as_bytes())
}

/// Stores a captcha with a known answer; returns its id.
pub fn store(conn: &mut DbConn, answer: &str, now: NaiveDateTime) -> ApiResult<String> {
    let id = uuid::Uuid::new_v4().to_string();
    diesel::delete(captchas::table.filter(captchas::expires_at.lt(now))).execute(conn)?;
    diesel::insert_into(captchas::table)
        .values((
            captchas::id.eq(&id),
            captchas::answer_hash.eq(answer_hash(&id, answer)),
            captchas::expires_at.eq(now + Duration::seconds(LIFETIME_SECONDS)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A new random captcha: its id and answer.
pub fn create(conn: &mut DbConn, now: NaiveDateTime) -> ApiResult<(String, String)> {
    let answer: String = random_bytes::<DIGITS>().iter().map(|b| char::from(b'0' + b % 10)).collect();
    let id = store(conn, &answer, now)?;
    Ok((id, answer))
}

/// Checks and consumes a captcha: right or wrong, it cannot be used again.
pub fn check(conn: &mut DbConn, id: Option<&str>, answer: Option<&str>, now: NaiveDateTime) -> ApiResult<()> {
    let (Some(id), Some(answer)) = (id, answer) else {
        return Err(ApiError::new(ErrorCode::CaptchaInvalid).field("captcha_answer", "請輸入驗證碼", "enter the captcha"));
    };
    let row: Option<(String, NaiveDateTime)> = captchas::table
        .find(id)
        .select((captchas::answer_hash, captchas::expires_at))
        .first(conn)
        .optional()?;
    diesel::delete(captchas::table.find(id)).execute(conn)?;
    match row {
        Some((hash, expires)) if expires > now && hash == answer_hash(id, answer) => Ok(()),
        _ => Err(ApiError::new(ErrorCode::CaptchaInvalid)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn svg_has_no_readable_text() {
        let svg = super::render_svg("40213");
        assert!(svg.starts_with("<svg"));
        assert!(!svg.contains("40213"));
        assert!(!svg.contains("<text"));
        assert!(svg.matches("<path").count() >= 6 + 5);
    }
}
