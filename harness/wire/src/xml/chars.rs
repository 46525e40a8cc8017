//! One pass over the input that enforces the XML `Char` production on UTF-8.
//!
//! Done before tokenizing so every later step can assume valid UTF-8 holding
//! only XML characters, and so the error names the exact byte: an overlong
//! `C0 AF` (the classic `/` smuggle), a lone continuation byte, a CESU-8
//! surrogate `ED A0 80`, a byte that never occurs in UTF-8 (`F5..FF`), NUL and
//! the other C0 controls, U+FFFE and U+FFFF.
//!
//! The common case, ASCII markup, is checked 64 bytes at a time.

use super::XmlError;

/// Checks that `input` is UTF-8 holding only XML `Char`s, and returns it as
/// text.
///
/// `base` is added to reported offsets.
pub(crate) fn check(input: &[u8], base: u64) -> Result<&str, XmlError> {
    let text = match std::str::from_utf8(input) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let reason = match input.get(at..) {
                Some(rest) if !rest.is_empty() => match decode(rest) {
                    Err(reason) => reason,
                    Ok(_) => "invalid sequence".to_owned(),
                },
                _ => "invalid sequence".to_owned(),
            };
            return Err(XmlError::InvalidUtf8 {
                offset: base + at as u64,
                reason,
            });
        }
    };
    // The input is UTF-8; what is left to find are C0 controls other than
    // TAB, LF, CR (one byte each) and U+FFFE / U+FFFF (EF BF BE / EF BF BF).
    // Blocks are tested with a branch-free fold the compiler vectorizes;
    // only a flagged block is looked at byte by byte.
    const BLOCK: usize = 64;
    let mut blocks = input.chunks_exact(BLOCK);
    let mut at = 0usize;
    for block in blocks.by_ref() {
        let flagged = block.iter().fold(false, |acc, &b| {
            acc | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0xEF)
        });
        if flagged {
            // An EF at the block's end continues into the next block.
            check_bytes(input, at, at + BLOCK, base)?;
        }
        at += BLOCK;
    }
    check_bytes(input, at, input.len(), base)?;
    Ok(text)
}

/// Byte-by-byte check of `input[from..to]`.
fn check_bytes(input: &[u8], from: usize, to: usize, base: u64) -> Result<(), XmlError> {
    for i in from..to {
        let Some(&b) = input.get(i) else { break };
        if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') {
            return Err(XmlError::InvalidChar {
                offset: base + i as u64,
                code_point: u32::from(b),
            });
        }
        if b == 0xEF
            && input.get(i + 1) == Some(&0xBF)
            && matches!(input.get(i + 2), Some(0xBE | 0xBF))
        {
            let last = input.get(i + 2).copied().unwrap_or(0);
            return Err(XmlError::InvalidChar {
                offset: base + i as u64,
                code_point: 0xFF00 | u32::from(last & 0x3F) | 0xC0,
            });
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::new();
    for (k, b) in bytes.iter().enumerate() {
        if k > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{b:02X}"));
    }
    s
}

/// Decodes one multi-byte sequence (the first byte is >= 0x80), following
/// Unicode Table 3-7 (well-formed UTF-8 byte sequences).
fn decode(s: &[u8]) -> Result<(u32, usize), String> {
    let b0 = s[0];
    let (len, lo, hi) = match b0 {
        0x80..=0xBF => {
            return Err(format!("continuation byte {b0:02X} without a lead byte"));
        }
        0xC0 | 0xC1 => {
            let shown = &s[..s.len().min(2)];
            return Err(format!("overlong encoding {}", hex(shown)));
        }
        0xC2..=0xDF => (2, 0x80, 0xBF),
        0xE0 => (3, 0xA0, 0xBF),
        0xED => (3, 0x80, 0x9F),
        0xE1..=0xEF => (3, 0x80, 0xBF),
        0xF0 => (4, 0x90, 0xBF),
        0xF1..=0xF3 => (4, 0x80, 0xBF),
        0xF4 => (4, 0x80, 0x8F),
        0xF5..=0xFF => return Err(format!("byte {b0:02X} never appears in UTF-8")),
        _ => return Err(format!("byte {b0:02X}")),
    };
    let Some(&b1) = s.get(1) else {
        return Err(format!("sequence {} cut short at end of input", hex(s)));
    };
    if !(lo..=hi).contains(&b1) {
        let shown = hex(&s[..2]);
        let why = match (b0, b1) {
            (0xED, 0xA0..=0xBF) => "surrogate code point (CESU-8)",
            (0xE0, 0x80..=0x9F) | (0xF0, 0x80..=0x8F) => "overlong encoding",
            (0xF4, 0x90..=0xBF) => "code point above U+10FFFF",
            _ => "bad continuation byte",
        };
        return Err(format!("{why} {shown}"));
    }
    let mut cp = u32::from(b0) & (0x7F >> len);
    cp = (cp << 6) | (u32::from(b1) & 0x3F);
    for k in 2..len {
        let Some(&b) = s.get(k) else {
            return Err(format!("sequence {} cut short at end of input", hex(s)));
        };
        if !(0x80..=0xBF).contains(&b) {
            return Err(format!("bad continuation byte {}", hex(&s[..=k])));
        }
        cp = (cp << 6) | (u32::from(b) & 0x3F);
    }
    Ok((cp, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &[u8]) -> XmlError {
        check(input, 0).expect_err("must be rejected")
    }

    #[test]
    fn accepts_ascii_tabs_newlines_and_multibyte() {
        check("<a>\tx\r\n é € 𝄞 \u{FFFD} \u{FF21}</a>".as_bytes(), 0).unwrap();
        check(&[b'a'; 1000], 0).unwrap();
    }

    #[test]
    fn rejects_overlong_slash() {
        let e = err(b"<a>\xC0\xAF</a>");
        assert!(
            matches!(e, XmlError::InvalidUtf8 { offset: 3, ref reason } if reason.contains("overlong"))
        );
    }

    #[test]
    fn rejects_lone_continuation_byte() {
        let e = err(b"abcdefghij\x80");
        assert!(matches!(e, XmlError::InvalidUtf8 { offset: 10, .. }));
    }

    #[test]
    fn rejects_cesu_surrogate() {
        let e = err(b"<a>\xED\xA0\x80</a>");
        assert!(
            matches!(e, XmlError::InvalidUtf8 { offset: 3, ref reason } if reason.contains("surrogate"))
        );
    }

    #[test]
    fn rejects_f5_to_ff() {
        for b in 0xF5..=0xFFu8 {
            let e = err(&[b'x', b, b'y']);
            assert!(
                matches!(e, XmlError::InvalidUtf8 { offset: 1, .. }),
                "{b:02X}"
            );
        }
    }

    #[test]
    fn rejects_nul_in_fast_path_word() {
        let mut input = vec![b'a'; 64];
        input[37] = 0;
        assert_eq!(
            err(&input),
            XmlError::InvalidChar {
                offset: 37,
                code_point: 0
            }
        );
    }

    #[test]
    fn rejects_other_c0_controls_and_fffe() {
        assert!(matches!(
            err(b"a\x01"),
            XmlError::InvalidChar { code_point: 1, .. }
        ));
        assert!(matches!(
            err(b"a\x1F"),
            XmlError::InvalidChar {
                code_point: 0x1F,
                ..
            }
        ));
        assert!(matches!(
            err("a\u{FFFE}".as_bytes()),
            XmlError::InvalidChar {
                code_point: 0xFFFE,
                ..
            }
        ));
        assert!(matches!(
            err("a\u{FFFF}".as_bytes()),
            XmlError::InvalidChar {
                code_point: 0xFFFF,
                ..
            }
        ));
    }

    #[test]
    fn rejects_truncated_sequence_and_above_max() {
        assert!(matches!(
            err(b"ab\xE2\x82"),
            XmlError::InvalidUtf8 { offset: 2, .. }
        ));
        assert!(matches!(
            err(b"\xF4\x90\x80\x80"),
            XmlError::InvalidUtf8 { offset: 0, .. }
        ));
    }

    #[test]
    fn agrees_with_std_on_every_two_byte_input() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let input = [a, b];
                let ours = check(&input, 0).is_ok();
                let std_ok = std::str::from_utf8(&input).is_ok_and(|s| {
                    s.chars().all(|c| {
                        matches!(c, '\t' | '\n' | '\r')
                            || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
                    })
                });
                assert_eq!(ours, std_ok, "{a:02X} {b:02X}");
            }
        }
    }
}
