//! Binary encodings of the index files, and their decoders (used by tests; the client has its
//! own decoder in `xianfeng-search.js`).
//!
//! Layout under `search/` (all paths relative to the output root):
//! - `manifest.json`: `{version, docs, shards, fields, weights, facets: [{name, values,
//!   counts}], t2s: [blocks]}`; the only file every query needs.
//! - `t2s/<block>.json`: `{"t": "讓來…", "s": "让来…"}`, the character fold map (aligned
//!   strings) for Traditional characters with `code point >> 9 == block`.
//! - `shards/<i>.bin`, `i = fnv1a(token) & (shards − 1)`: `varint count`, then per token sorted
//!   by text: `varint len, utf8 text, varint df, u8 flags, varint bytes, postings`; postings are
//!   `df` entries `varint doc-gap, u8 field-mask, varint tf[, u8 passage if flags & 1]` (gap from
//!   the previous doc id, the first from 0). The byte length lets the client skip tokens.
//! - `facets/<i>.bin`: facet `i` of the manifest; byte 0 is the mode. Mode 0 (single-valued
//!   facets), per doc: `varint n, n × varint value-index`; docs are numbered by (org, region,
//!   year, type, url), so these compress to runs. Mode 1 (multi-valued, e.g. tags), per value
//!   in order: `varint count, count × varint doc-gap`.
//! - `fragments/<doc>.json`: `{u, t, d, k, x, n, f, m}`: url, title, date, kind, the head text
//!   (description and a line of brand/org/tags/honours/sources), the number of body passages,
//!   `f = [t, s]`, the fold-map entries for the page's Traditional characters, and `m`, the
//!   doc's facet value indices per facet (a query with few hits needs no facet column);
//!   `fragments/<doc>-<k>.txt` (k = 1..n): body passage k. Fetched only for results shown.

/// Appends `v` as an unsigned LEB128 varint.
#[inline]
pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint at `*pos`, advancing it; `None` on truncated input.
pub fn get_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *buf.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7F) << shift;
        if b < 0x80 {
            return Some(v);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// One posting: a document, the fields holding the token (bit per field) and its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub doc: u32,
    pub mask: u8,
    pub tf: u32,
    /// First body passage holding the token (1-based; 0 = none or not recorded).
    pub passage: u8,
}

/// Encodes one token entry of a shard.
///
/// Flags: bit 0, postings carry the passage byte; bit 1, postings omit tf (read as 1): set for
/// very frequent tokens, whose idf is near zero, so their shards shrink to gaps and masks,
/// which gzip squeezes to a fraction of a byte per posting.
pub fn put_token(out: &mut Vec<u8>, text: &str, postings: &[Posting], flags: u8) {
    let (with_passage, with_tf) = (flags & 1 == 1, flags & 2 == 0);
    put_varint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
    put_varint(out, postings.len() as u64);
    out.push(flags);
    let mut body = Vec::with_capacity(postings.len() * 3);
    let mut prev = 0u32;
    for p in postings {
        put_varint(&mut body, u64::from(p.doc - prev));
        body.push(p.mask);
        if with_tf {
            put_varint(&mut body, u64::from(p.tf));
        }
        if with_passage {
            body.push(p.passage);
        }
        prev = p.doc;
    }
    put_varint(out, body.len() as u64);
    out.extend_from_slice(&body);
}

/// Decodes a whole shard into `(token, postings)` pairs.
pub fn decode_shard(buf: &[u8]) -> Option<Vec<(String, Vec<Posting>)>> {
    let mut pos = 0;
    let count = get_varint(buf, &mut pos)?;
    let mut out = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let len = get_varint(buf, &mut pos)? as usize;
        let text = std::str::from_utf8(buf.get(pos..pos + len)?)
            .ok()?
            .to_string();
        pos += len;
        let df = get_varint(buf, &mut pos)?;
        let flags = *buf.get(pos)?;
        let (with_passage, with_tf) = (flags & 1 == 1, flags & 2 == 0);
        pos += 1;
        let _bytes = get_varint(buf, &mut pos)?;
        let mut postings = Vec::with_capacity(df as usize);
        let mut doc = 0u32;
        for _ in 0..df {
            doc += u32::try_from(get_varint(buf, &mut pos)?).ok()?;
            let mask = *buf.get(pos)?;
            pos += 1;
            let tf = if with_tf {
                u32::try_from(get_varint(buf, &mut pos)?).ok()?
            } else {
                1
            };
            let passage = if with_passage {
                pos += 1;
                *buf.get(pos - 1)?
            } else {
                0
            };
            postings.push(Posting {
                doc,
                mask,
                tf,
                passage,
            });
        }
        out.push((text, postings));
    }
    Some(out)
}

/// Decodes a facet column `facets/<i>.bin` (either mode) into, per doc, the value indices.
pub fn decode_facet(buf: &[u8], docs: usize) -> Option<Vec<Vec<u32>>> {
    let mut pos = 1;
    let mut col = vec![Vec::new(); docs];
    match buf.first()? {
        0 => {
            for vals in col.iter_mut() {
                let n = get_varint(buf, &mut pos)?;
                for _ in 0..n {
                    vals.push(u32::try_from(get_varint(buf, &mut pos)?).ok()?);
                }
            }
        }
        1 => {
            let mut value = 0u32;
            while pos < buf.len() {
                let n = get_varint(buf, &mut pos)?;
                let mut d = 0usize;
                for _ in 0..n {
                    d += usize::try_from(get_varint(buf, &mut pos)?).ok()?;
                    col.get_mut(d)?.push(value);
                }
                value += 1;
            }
        }
        _ => return None,
    }
    Some(col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_round_trips() {
        let mut b = Vec::new();
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX)] {
            put_varint(&mut b, v);
        }
        let mut pos = 0;
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX)] {
            assert_eq!(get_varint(&b, &mut pos), Some(v));
        }
        assert_eq!(get_varint(&b, &mut pos), None);
    }

    #[test]
    fn shard_round_trips() {
        let ps = vec![
            Posting {
                doc: 3,
                mask: 1,
                tf: 2,
                passage: 1,
            },
            Posting {
                doc: 400,
                mask: 0x90,
                tf: 300,
                passage: 0,
            },
        ];
        let mut b = Vec::new();
        put_varint(&mut b, 2);
        put_token(&mut b, "党建", &ps, 1);
        put_token(&mut b, "x", &ps, 2);
        let plain: Vec<Posting> = ps
            .iter()
            .map(|p| Posting {
                passage: 0,
                tf: 1,
                ..*p
            })
            .collect();
        assert_eq!(
            decode_shard(&b),
            Some(vec![("党建".to_string(), ps), ("x".to_string(), plain)])
        );
    }
}
