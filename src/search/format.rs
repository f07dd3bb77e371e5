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
//!   the previous doc id, the first from 0); if flags & 2 (dense) just `varint gap << 1 | high`. The byte length lets the client
//!   skip tokens. If flags & 4 the postings are not inline (0 bytes) but in
//!   `shards/<shard>-<entry index>.bin`: big lists get their own file so a query downloads only
//!   the big lists of its own tokens, never a neighbour's.
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
    /// Occurrences in the doc, capped at 127 (one varint byte).
    pub tf: u8,
    /// First body passage holding the token (1-based; 0 = none or not recorded).
    pub passage: u8,
}

/// Flag bits of a token entry.
pub const FLAG_PASSAGE: u8 = 1;
/// Dense list (very frequent token, idf near zero): a posting is one varint
/// `gap << 1 | in-title/brand/org`, no tf (read as 1) and no mask (read as [`DENSE_HIGH`] or
/// [`DENSE_LOW`]), so runs of consecutive docs gzip to a fraction of a byte each.
pub const FLAG_NO_TF: u8 = 2;
/// Mask bits of the title/brand/org fields, and the masks a dense posting decodes to.
pub const HIGH_FIELDS: u8 = 0b111;
pub const DENSE_HIGH: u8 = 0b1;
pub const DENSE_LOW: u8 = 0b1_0000;
/// The postings live in their own file `shards/<shard>-<entry>.bin` (big lists): a shard then
/// stays a small directory, and a query downloads only the big lists of its own tokens.
pub const FLAG_EXTERNAL: u8 = 4;

/// Encodes the postings of one token (the part that may live in its own file).
pub fn encode_postings(postings: &[Posting], flags: u8) -> Vec<u8> {
    let mut body = Vec::with_capacity(postings.len() * 3);
    let mut prev = 0u32;
    for p in postings {
        let gap = u64::from(p.doc - prev);
        if flags & FLAG_NO_TF != 0 {
            put_varint(&mut body, gap << 1 | u64::from(p.mask & HIGH_FIELDS != 0));
        } else {
            put_varint(&mut body, gap);
            body.push(p.mask);
            put_varint(&mut body, u64::from(p.tf));
        }
        if flags & FLAG_PASSAGE != 0 {
            body.push(p.passage);
        }
        prev = p.doc;
    }
    body
}

/// Encodes one token entry of a shard; `body` is from [`encode_postings`], empty when external.
pub fn put_token(out: &mut Vec<u8>, text: &str, df: usize, flags: u8, body: &[u8]) {
    put_varint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
    put_varint(out, df as u64);
    out.push(flags);
    put_varint(out, body.len() as u64);
    out.extend_from_slice(body);
}

/// Decodes `df` postings from `buf`.
pub fn decode_postings(buf: &[u8], df: u64, flags: u8) -> Option<Vec<Posting>> {
    let mut pos = 0;
    let mut postings = Vec::with_capacity(df as usize);
    let mut doc = 0u32;
    for _ in 0..df {
        let v = get_varint(buf, &mut pos)?;
        let (mask, tf) = if flags & FLAG_NO_TF != 0 {
            doc += u32::try_from(v >> 1).ok()?;
            (if v & 1 == 1 { DENSE_HIGH } else { DENSE_LOW }, 1)
        } else {
            doc += u32::try_from(v).ok()?;
            let mask = *buf.get(pos)?;
            pos += 1;
            (mask, u8::try_from(get_varint(buf, &mut pos)?).ok()?)
        };
        let passage = if flags & FLAG_PASSAGE != 0 {
            pos += 1;
            *buf.get(pos - 1)?
        } else {
            0
        };
        postings.push(Posting { doc, mask, tf, passage });
    }
    (pos == buf.len()).then_some(postings)
}

/// Decodes a whole shard into `(token, postings)` pairs; `external(entry)` supplies the bytes
/// of an entry whose postings live in their own file.
pub fn decode_shard(buf: &[u8], external: impl Fn(usize) -> Option<Vec<u8>>) -> Option<Vec<(String, Vec<Posting>)>> {
    let mut pos = 0;
    let count = get_varint(buf, &mut pos)?;
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count as usize {
        let len = get_varint(buf, &mut pos)? as usize;
        let text = std::str::from_utf8(buf.get(pos..pos + len)?).ok()?.to_string();
        pos += len;
        let df = get_varint(buf, &mut pos)?;
        let flags = *buf.get(pos)?;
        pos += 1;
        let bytes = get_varint(buf, &mut pos)? as usize;
        let body = buf.get(pos..pos + bytes)?;
        pos += bytes;
        let postings = if flags & FLAG_EXTERNAL != 0 {
            decode_postings(&external(i)?, df, flags)?
        } else {
            decode_postings(body, df, flags)?
        };
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
        let ps =
            vec![Posting { doc: 3, mask: 1, tf: 2, passage: 1 }, Posting { doc: 400, mask: 0x90, tf: 127, passage: 0 }];
        let mut b = Vec::new();
        put_varint(&mut b, 3);
        put_token(&mut b, "党建", 2, FLAG_PASSAGE, &encode_postings(&ps, FLAG_PASSAGE));
        put_token(&mut b, "x", 2, FLAG_NO_TF, &encode_postings(&ps, FLAG_NO_TF));
        let ext = encode_postings(&ps, FLAG_EXTERNAL);
        put_token(&mut b, "y", 2, FLAG_EXTERNAL, &[]);
        let plain: Vec<Posting> = ps
            .iter()
            .map(|p| Posting {
                passage: 0,
                tf: 1,
                mask: if p.mask & HIGH_FIELDS != 0 { DENSE_HIGH } else { DENSE_LOW },
                ..*p
            })
            .collect();
        let no_passage: Vec<Posting> = ps.iter().map(|p| Posting { passage: 0, ..*p }).collect();
        let decoded = decode_shard(&b, |i| (i == 2).then(|| ext.clone()));
        let want = vec![("党建".to_string(), ps), ("x".to_string(), plain), ("y".to_string(), no_passage)];
        assert_eq!(decoded, Some(want));
    }
}
