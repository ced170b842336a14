//! Captchas for sign-in and forgot-password (manual 1.1): five digits rasterised into a PNG —
//! drawn as thick strokes in varied dark colours, each digit scaled, rotated and sheared, the
//! whole warped by two sine waves and crossed by lines of the same colours and thickness, over
//! a speckled background — so no digit shape is in the response for a script to read.
//!
//! Stateless: the id carries a random nonce, the expiry and an HMAC of both with the answer
//! under a key derived from the deployment's secret, so every instance can check it and a GET
//! writes nothing. Single use: a right answer spends the nonce in the database (any instance
//! refuses it afterwards); a wrong one spends it in this process's memory (no write for a
//! wrong guess, and one guess per captcha per process).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use hmac::{KeyInit, Mac};

use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::schema::captchas;
use crate::secrets::{random_bytes, Secrets};

pub const LIFETIME_SECONDS: i64 = 300;
const DIGITS: usize = 5;
const WIDTH: usize = 180;
const HEIGHT: usize = 60;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Stroke paths of the digits on a 10×16 cell.
fn strokes(d: u8) -> &'static [&'static [(f32, f32)]] {
    match d {
        0 => &[&[(2.0, 1.0), (8.0, 1.0), (9.0, 4.0), (9.0, 12.0), (8.0, 15.0), (2.0, 15.0), (1.0, 12.0), (1.0, 4.0), (2.0, 1.0)]],
        1 => &[&[(3.0, 4.0), (6.0, 1.0), (6.0, 15.0)], &[(3.0, 15.0), (9.0, 15.0)]],
        2 => &[&[(1.0, 3.0), (3.0, 1.0), (7.0, 1.0), (9.0, 3.0), (9.0, 6.0), (1.0, 15.0), (9.0, 15.0)]],
        3 => &[&[(1.0, 2.0), (8.0, 1.0), (9.0, 4.0), (4.0, 8.0), (9.0, 11.0), (8.0, 15.0), (1.0, 14.0)]],
        4 => &[&[(7.0, 15.0), (7.0, 1.0), (1.0, 10.0), (9.0, 10.0)]],
        5 => &[&[(9.0, 1.0), (2.0, 1.0), (1.0, 7.0), (7.0, 7.0), (9.0, 10.0), (8.0, 14.0), (1.0, 15.0)]],
        6 => &[&[(8.0, 1.0), (3.0, 2.0), (1.0, 8.0), (1.0, 13.0), (3.0, 15.0), (8.0, 15.0), (9.0, 11.0), (7.0, 8.0), (1.0, 9.0)]],
        7 => &[&[(1.0, 1.0), (9.0, 1.0), (4.0, 15.0)], &[(3.0, 8.0), (8.0, 8.0)]],
        8 => &[&[(5.0, 8.0), (1.0, 5.0), (2.0, 1.0), (8.0, 1.0), (9.0, 5.0), (5.0, 8.0), (1.0, 11.0), (2.0, 15.0), (8.0, 15.0), (9.0, 11.0), (5.0, 8.0)]],
        _ => &[&[(9.0, 7.0), (3.0, 8.0), (1.0, 4.0), (3.0, 1.0), (8.0, 1.0), (9.0, 4.0), (9.0, 10.0), (7.0, 15.0), (2.0, 15.0)]],
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

    /// A value in [0, 1].
    fn unit(&mut self) -> f32 {
        (self.next() + 1.0) / 2.0
    }
}

/// A thick segment in image coordinates with its colour.
struct Segment {
    a: (f32, f32),
    b: (f32, f32),
    width: f32,
    color: [f32; 3],
}

fn distance_to_segment(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 <= f32::EPSILON { 0.0 } else { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0) };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

/// Draws `answer` (digits) into an RGB raster, row by row.
pub fn render_pixels(answer: &str) -> Vec<u8> {
    let mut j = Jitter::new();
    let dark = |j: &mut Jitter| [0.10 + 0.25 * j.unit(), 0.12 + 0.25 * j.unit(), 0.20 + 0.30 * j.unit()];
    let mut segments: Vec<Segment> = Vec::new();
    let cell = WIDTH as f32 / (DIGITS as f32 + 0.8);
    for (i, ch) in answer.bytes().enumerate() {
        let digit = ch.wrapping_sub(b'0');
        let scale = 2.4 + 0.35 * j.next();
        let angle = 0.35 * j.next();
        let shear = 0.30 * j.next();
        let (ox, oy) = (cell * (i as f32 + 0.9) + 4.0 * j.next(), HEIGHT as f32 / 2.0 + 5.0 * j.next());
        let (sin, cos) = angle.sin_cos();
        let color = dark(&mut j);
        let width = 1.9 + 0.5 * j.unit();
        for stroke in strokes(digit) {
            let points: Vec<(f32, f32)> = stroke
                .iter()
                .map(|(x, y)| {
                    let (x, y) = ((x - 5.0) * scale * 0.85 + 0.5 * j.next(), (y - 8.0) * scale * 0.85 + 0.5 * j.next());
                    let x = x + shear * y;
                    (x * cos - y * sin + ox, x * sin + y * cos + oy)
                })
                .collect();
            for pair in points.windows(2) {
                segments.push(Segment { a: pair[0], b: pair[1], width, color });
            }
        }
    }
    // Interference: lines as dark and thick as the digits, through the text band.
    for _ in 0..3 {
        let color = dark(&mut j);
        let mut prev = (0.0, HEIGHT as f32 / 2.0 + 22.0 * j.next());
        for k in 1..=6 {
            let next = (WIDTH as f32 * k as f32 / 6.0, HEIGHT as f32 / 2.0 + 24.0 * j.next());
            segments.push(Segment { a: prev, b: next, width: 0.7 + 0.6 * j.unit(), color });
            prev = next;
        }
    }
    let (a1, f1, p1) = (2.5 + 1.5 * j.unit(), 0.08 + 0.05 * j.unit(), 6.3 * j.unit());
    let (a2, f2, p2) = (2.0 + 1.5 * j.unit(), 0.05 + 0.05 * j.unit(), 6.3 * j.unit());
    let mut pixels = vec![0u8; WIDTH * HEIGHT * 3];
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            // Background: light, speckled, with a slow gradient.
            let base = 0.86 + 0.08 * (x as f32 / WIDTH as f32) + 0.06 * j.next();
            let mut rgb = [base, base + 0.02 * j.next(), base + 0.03 * j.next()];
            if j.unit() > 0.93 {
                rgb = dark(&mut j).map(|c| c + 0.35);
            }
            // Sample the strokes at the warped position.
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            let p = (fx + a1 * (fy * f1 + p1).sin(), fy + a2 * (fx * f2 + p2).sin());
            for s in &segments {
                let d = distance_to_segment(p, s.a, s.b);
                let coverage = (s.width + 0.5 - d).clamp(0.0, 1.0);
                if coverage > 0.0 {
                    for c in 0..3 {
                        rgb[c] = rgb[c] * (1.0 - coverage) + s.color[c] * coverage;
                    }
                }
            }
            let at = (y * WIDTH + x) * 3;
            for c in 0..3 {
                pixels[at + c] = (rgb[c].clamp(0.0, 1.0) * 255.0) as u8;
            }
        }
    }
    pixels
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// An 8-bit RGB PNG of the raster.
pub fn encode_png(pixels: &[u8], width: usize, height: usize) -> Vec<u8> {
    use std::io::Write;
    let mut raw = Vec::with_capacity((width * 3 + 1) * height);
    for row in pixels.chunks(width * 3) {
        raw.push(0); // filter: none
        raw.extend_from_slice(row);
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = z.write_all(&raw);
    let compressed = z.finish().unwrap_or_default();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&(width as u32).to_be_bytes());
    header.extend_from_slice(&(height as u32).to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &header);
    png_chunk(&mut out, b"IDAT", &compressed);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// The captcha image as a `data:` URL.
pub fn render_data_url(answer: &str) -> String {
    let png = encode_png(&render_pixels(answer), WIDTH, HEIGHT);
    format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png))
}

fn mac(secrets: &Secrets, nonce: &[u8], expires: i64, answer: &str) -> Vec<u8> {
    let key = secrets.derive("captcha");
    let Ok(mut m) = <HmacSha256 as KeyInit>::new_from_slice(&key) else { return Vec::new() };
    m.update(nonce);
    m.update(&expires.to_be_bytes());
    m.update(answer.trim().as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// A captcha id for a known answer (nothing stored).
pub fn issue(secrets: &Secrets, answer: &str, now: NaiveDateTime) -> String {
    let nonce = random_bytes::<16>();
    let expires = (now + Duration::seconds(LIFETIME_SECONDS)).and_utc().timestamp();
    let mut id = nonce.to_vec();
    id.extend_from_slice(&expires.to_be_bytes());
    id.extend_from_slice(&mac(secrets, &nonce, expires, answer));
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id)
}

/// A new random captcha: its id and answer.
pub fn create(secrets: &Secrets, now: NaiveDateTime) -> (String, String) {
    let answer: String = random_bytes::<DIGITS>().iter().map(|b| char::from(b'0' + b % 10)).collect();
    (issue(secrets, &answer, now), answer)
}

/// Nonces this process has seen a wrong answer for, until they expire (bounded).
fn spent_here() -> &'static Mutex<HashMap<[u8; 16], i64>> {
    static SPENT: OnceLock<Mutex<HashMap<[u8; 16], i64>>> = OnceLock::new();
    SPENT.get_or_init(|| Mutex::new(HashMap::new()))
}

const MAX_SPENT_HERE: usize = 200_000;

/// A captcha whose answer was right: spend it where every instance sees it.
pub struct Solved {
    nonce: String,
    expires_at: NaiveDateTime,
}

/// Checks an answer without touching the database. A wrong answer spends the captcha in this
/// process; a right one must then be spent with [`spend`].
pub fn verify(secrets: &Secrets, id: Option<&str>, answer: Option<&str>, now: NaiveDateTime) -> ApiResult<Solved> {
    let (Some(id), Some(answer)) = (id.filter(|s| !s.is_empty()), answer.filter(|s| !s.trim().is_empty())) else {
        return Err(ApiError::new(ErrorCode::CaptchaInvalid).field("captcha_answer", "請輸入驗證碼", "enter the captcha"));
    };
    let invalid = || ApiError::new(ErrorCode::CaptchaInvalid);
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(id.trim()).map_err(|_| invalid())?;
    if raw.len() != 16 + 8 + 32 {
        return Err(invalid());
    }
    let mut nonce = [0u8; 16];
    nonce.copy_from_slice(&raw[..16]);
    let mut exp = [0u8; 8];
    exp.copy_from_slice(&raw[16..24]);
    let expires = i64::from_be_bytes(exp);
    if expires <= now.and_utc().timestamp() || expires > now.and_utc().timestamp() + LIFETIME_SECONDS {
        return Err(invalid());
    }
    let mut spent = spent_here().lock().unwrap_or_else(|e| e.into_inner());
    if spent.contains_key(&nonce) {
        return Err(invalid());
    }
    let expected = mac(secrets, &nonce, expires, answer);
    let same = expected.len() == 32 && expected.iter().zip(&raw[24..]).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if spent.len() >= MAX_SPENT_HERE {
        let t = now.and_utc().timestamp();
        spent.retain(|_, until| *until > t);
    }
    if spent.len() < MAX_SPENT_HERE {
        spent.insert(nonce, expires);
    }
    if !same {
        return Err(invalid());
    }
    let expires_at = chrono::DateTime::from_timestamp(expires, 0).map(|d| d.naive_utc()).ok_or_else(invalid)?;
    Ok(Solved { nonce: hex::encode(nonce), expires_at })
}

/// Spends a solved captcha in the database: a second use, on any instance, is refused.
pub fn spend(conn: &mut DbConn, solved: &Solved, now: NaiveDateTime) -> ApiResult<()> {
    diesel::delete(captchas::table.filter(captchas::expires_at.lt(now))).execute(conn)?;
    let inserted = diesel::insert_into(captchas::table)
        .values((captchas::id.eq(&solved.nonce), captchas::answer_hash.eq("spent"), captchas::expires_at.eq(solved.expires_at)))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(()),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => Err(ApiError::new(ErrorCode::CaptchaInvalid)),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_image_is_a_png_raster_without_shapes_or_text() {
        let url = render_data_url("40213");
        let png = base64::engine::general_purpose::STANDARD.decode(url.trim_start_matches("data:image/png;base64,")).expect("base64");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes([png[16], png[17], png[18], png[19]]), WIDTH as u32);
        let text = String::from_utf8_lossy(&png);
        assert!(!text.contains("<svg") && !text.contains("<path") && !text.contains("40213"));
        // Random every time, even for the same answer.
        assert_ne!(render_pixels("40213"), render_pixels("40213"));
    }

    #[test]
    fn ids_check_their_answer_expiry_and_integrity() {
        let secrets = Secrets::from_value("test-secret-test-secret-test-secret-0123");
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time").naive_utc();
        let id = issue(&secrets, "12345", now);
        assert!(verify(&secrets, Some(&id), Some("12345"), now).is_ok());
        let id = issue(&secrets, "12345", now);
        assert!(verify(&secrets, Some(&id), Some("54321"), now).is_err());
        assert!(verify(&secrets, Some(&id), Some("12345"), now).is_err(), "a wrong answer spends it here");
        let id = issue(&secrets, "12345", now);
        assert!(verify(&secrets, Some(&id), Some("12345"), now + Duration::seconds(LIFETIME_SECONDS + 1)).is_err());
        let other = Secrets::from_value("another-secret-another-secret-0123456789");
        let id = issue(&other, "12345", now);
        assert!(verify(&secrets, Some(&id), Some("12345"), now).is_err(), "another deployment's id");
        assert!(verify(&secrets, Some("garbage"), Some("12345"), now).is_err());
    }
}
