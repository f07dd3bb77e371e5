//! Binary encodings of the index files, and their decoders (used by tests; the client has its
//! own decoder in `xianfeng-search.js`).
//!
//! Layout under `search/` (all paths relative to the output root):
//! - `manifest.json`: `{version, docs, shards, fields, weights, facets: [{name, values,
//!   counts}], t2s: [blocks], trad}`; the only file every query needs. `trad` is a base64
//!   bitset of the characters U+4E00..=U+9FFF the fold map changes (bit `c − 0x4E00`, least
//!   significant bit first): a query fetches a `t2s` block only for those characters (and for
//!   characters outside that range whose block exists).
//! - `t2s/<block>.json`: `{"t": "讓來…", "s": "让来…"}`, the character fold map (aligned
//!   strings) for Traditional characters with `code point >> 9 == block`.
//! - `shards/<i>.bin`, `i = fnv1a(token) & (shards − 1)`: `varint count`, then per token sorted
//!   by text: `varint len, utf8 text, varint df, u8 flags, varint bytes, postings`; postings are
//!   `df` entries `varint doc-gap, u8 field-mask, varint tf[, u8 passage if flags & 1]` (gap from
//!   the previous doc id, the first from 0); if flags & 2 (dense) just `varint gap << 1 | high`.
//!   The byte length lets the client skip tokens. If flags & 4 the postings are not inline: the
//!   entry holds `varint group, varint offset, varint length` and the postings are bytes
//!   `offset..offset + length` of `shards/<shard>-<group>.bin`. Big lists of one shard are packed
//!   a few per group file (at most [`GROUP_LISTS`]), so the index stays a few thousand files while
//!   a query downloads little beyond the big lists of its own tokens.
//! - `facets/<i>.bin`: facet `i` of the manifest; byte 0 is the mode. Binary files are not
//!   gzipped by most static hosts, so the columns are small by their own encoding; the builder
//!   writes the smallest mode. Single-valued facets use codes `0` = no value, `v + 1` = value `v`:
//!   mode 2 is run-length, `varint runs, runs × (varint code, varint length)` (docs are numbered
//!   by (org, region, year, type, url), so columns are long runs); mode 3 is bit-packed, `u8 bits`
//!   then one `bits`-wide code per doc, little-endian bit order. Mode 0 (fallback), per doc:
//!   `varint n, n × varint value-index`. Mode 1 (multi-valued, e.g. tags), per value in order:
//!   `varint count, count × varint doc-gap`.
//! - `fragments/<doc>.json`: `{u, t, d, k, x, y, n, f, m, p}`: url, title, date, kind, the
//!   description `x` (an excerpt source), `y` a line of brand/org/tags/honours/sources (matched,
//!   never shown as an excerpt: a list of names is not text around a hit), the number of body passages,
//!   `f = [t, s]`, the fold-map entries for the page's Traditional characters, `m`, the doc's
//!   facet value indices per facet (a query with few hits needs no facet column), and `p`, the
//!   first body passages (the usual excerpt source); `fragments/<doc>-p.json`: a JSON array of
//!   the remaining passages (`p.length + 1 ..= n`), fetched only when the excerpt comes from them.
//!   Two files per doc, whatever its length.

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
/// The postings live in a group file `shards/<shard>-<group>.bin` (big lists): a shard then
/// stays a small directory, and a query downloads little beyond the big lists of its tokens.
pub const FLAG_EXTERNAL: u8 = 4;
/// Most big lists per group file.
pub const GROUP_LISTS: usize = 3;
/// Bit-packed postings (used for big lists, which travel uncompressed): a bit stream, least
/// significant bit first, starting with `u8 k, u8 common-mask`; per posting the gap minus one
/// (from doc −1) Rice-coded with parameter `k` (`q = g >> k` one-bits, a zero, `k` low bits);
/// then if dense one bit `high`, else one bit (0 = mask is the common mask, 1 = 8 mask bits
/// follow) and tf − 1 Elias-gamma coded (`n` zero-bits, then `n + 1` bits of tf, high first);
/// then 8 bits of passage if flags & 1. About a byte per posting instead of three.
pub const FLAG_PACKED: u8 = 8;

/// A bit writer, least significant bit first.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    /// Appends the low `bits` bits of `v` (`bits` ≤ 32); whole 32-bit words are flushed at once.
    #[inline]
    fn put(&mut self, bits: u32, v: u32) {
        let v = u64::from(v) & ((1u64 << bits) - 1);
        self.acc |= v << self.n;
        self.n += bits;
        if self.n >= 32 {
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.n -= 32;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        while self.n > 0 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n = self.n.saturating_sub(8);
        }
        self.out
    }
}

/// Reads one bit at `*at`, advancing it.
fn get_bit(buf: &[u8], at: &mut usize) -> Option<u32> {
    let b = *buf.get(*at / 8)? >> (*at % 8) & 1;
    *at += 1;
    Some(u32::from(b))
}

/// Bit cost of Rice-coding `gaps` with parameter `k`.
#[cfg(test)]
fn rice_cost(gaps: &[u32], k: u32) -> u64 {
    gaps.iter().map(|&g| u64::from(g >> k) + 1 + u64::from(k)).sum()
}

/// The Rice parameter in `k0 − 1 ..= k0 + 1` (at most 24) that codes `gaps` in the fewest
/// bits, the smallest on ties: [`rice_cost`] of the three candidates in one pass.
fn best_rice_k(gaps: &[u32], k0: u32) -> u32 {
    let lo = k0.saturating_sub(1);
    let hi = (k0 + 1).min(24);
    let mut q = [0u64; 3];
    for &g in gaps {
        for (j, k) in (lo..=hi).enumerate() {
            q[j] += u64::from(g >> k);
        }
    }
    let n = gaps.len() as u64;
    (lo..=hi).enumerate().map(|(j, k)| (q[j] + n * (1 + u64::from(k)), k)).min().map_or(0, |(_, k)| k)
}

/// Encodes postings bit-packed (see [`FLAG_PACKED`]).
pub fn encode_packed(postings: &[Posting], flags: u8) -> Vec<u8> {
    let mut prev = -1i64;
    let gaps: Vec<u32> = postings
        .iter()
        .map(|p| {
            let g = (i64::from(p.doc) - prev - 1) as u32;
            prev = i64::from(p.doc);
            g
        })
        .collect();
    // The best Rice parameter is near log2 of the mean gap: try its neighbours only.
    let mean = postings.last().map_or(1, |p| u64::from(p.doc) + 1) / (postings.len() as u64).max(1);
    let k0 = 63 - mean.max(1).leading_zeros();
    let k = best_rice_k(&gaps, k0);
    // Four histograms, summed: runs of one mask would otherwise wait on the same counter.
    let mut counts4 = [[0u32; 256]; 4];
    for (i, p) in postings.iter().enumerate() {
        counts4[i & 3][usize::from(p.mask)] += 1;
    }
    let counts: [u32; 256] = std::array::from_fn(|m| counts4.iter().map(|c| c[m]).sum());
    let common = (0..=255u8).max_by_key(|&m| (counts[usize::from(m)], std::cmp::Reverse(m))).unwrap_or(0);
    let mut w = Bits { out: Vec::with_capacity(postings.len() + 2), acc: 0, n: 0 };
    w.put(8, k);
    w.put(8, u32::from(common));
    for (p, &g) in postings.iter().zip(&gaps) {
        let mut q = g >> k;
        while q >= 16 {
            w.put(16, 0xFFFF);
            q -= 16;
        }
        w.put(q + 1, (1 << q) - 1);
        w.put(k, g);
        if flags & FLAG_NO_TF != 0 {
            w.put(1, u32::from(p.mask & HIGH_FIELDS != 0));
        } else {
            if p.mask == common {
                w.put(1, 0);
            } else {
                w.put(1, 1);
                w.put(8, u32::from(p.mask));
            }
            let tf = u32::from(p.tf.max(1));
            let n = 31 - tf.leading_zeros();
            w.put(n, 0);
            // tf's n + 1 bits, high first: reversed into the LSB-first stream.
            w.put(n + 1, tf.reverse_bits() >> (31 - n));
        }
        if flags & FLAG_PASSAGE != 0 {
            w.put(8, u32::from(p.passage));
        }
    }
    w.finish()
}

/// Decodes `df` bit-packed postings.
pub fn decode_packed(buf: &[u8], df: u64, flags: u8) -> Option<Vec<Posting>> {
    let mut at = 0;
    let read = |at: &mut usize, bits: u32| -> Option<u32> {
        let mut v = 0;
        for b in 0..bits {
            v |= get_bit(buf, at)? << b;
        }
        Some(v)
    };
    let k = read(&mut at, 8)?;
    let common = read(&mut at, 8)? as u8;
    let mut out = Vec::with_capacity(df as usize);
    let mut doc = -1i64;
    for _ in 0..df {
        let mut q = 0u32;
        while get_bit(buf, &mut at)? == 1 {
            q += 1;
        }
        doc += i64::from(q << k | read(&mut at, k)?) + 1;
        let (mask, tf) = if flags & FLAG_NO_TF != 0 {
            (if read(&mut at, 1)? == 1 { DENSE_HIGH } else { DENSE_LOW }, 1)
        } else {
            let mask = if read(&mut at, 1)? == 1 { read(&mut at, 8)? as u8 } else { common };
            let mut n = 0;
            while get_bit(buf, &mut at)? == 0 {
                n += 1;
            }
            let mut tf = 1u32;
            for _ in 0..n {
                tf = tf << 1 | get_bit(buf, &mut at)?;
            }
            (mask, u8::try_from(tf).ok()?)
        };
        let passage = if flags & FLAG_PASSAGE != 0 { read(&mut at, 8)? as u8 } else { 0 };
        out.push(Posting { doc: u32::try_from(doc).ok()?, mask, tf, passage });
    }
    (at.div_ceil(8) == buf.len()).then_some(out)
}

/// The payload of an external entry: where its postings are.
pub fn external_ref(group: usize, offset: usize, len: usize) -> Vec<u8> {
    let mut b = Vec::new();
    put_varint(&mut b, group as u64);
    put_varint(&mut b, offset as u64);
    put_varint(&mut b, len as u64);
    b
}

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

/// Encodes one token entry of a shard; `body` is from [`encode_postings`], or [`external_ref`].
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

/// Decodes a whole shard into `(token, postings)` pairs; `external(group)` supplies the bytes
/// of a group file holding big lists.
pub fn decode_shard(buf: &[u8], external: impl Fn(usize) -> Option<Vec<u8>>) -> Option<Vec<(String, Vec<Posting>)>> {
    let mut pos = 0;
    let count = get_varint(buf, &mut pos)?;
    let mut out = Vec::with_capacity(count as usize);
    for _ in 0..count {
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
            let mut p = 0;
            let group = get_varint(body, &mut p)? as usize;
            let offset = get_varint(body, &mut p)? as usize;
            let len = get_varint(body, &mut p)? as usize;
            let file = external(group)?;
            let bytes = file.get(offset..offset + len)?;
            if flags & FLAG_PACKED != 0 {
                decode_packed(bytes, df, flags)?
            } else {
                decode_postings(bytes, df, flags)?
            }
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
        2 => {
            let runs = get_varint(buf, &mut pos)?;
            let mut d = 0usize;
            for _ in 0..runs {
                let code = get_varint(buf, &mut pos)?;
                let len = get_varint(buf, &mut pos)? as usize;
                for vals in col.get_mut(d..d + len)? {
                    if code > 0 {
                        vals.push(u32::try_from(code - 1).ok()?);
                    }
                }
                d += len;
            }
            (d == docs).then_some(())?;
        }
        3 => {
            let bits = u32::from(*buf.get(1)?);
            for (d, vals) in col.iter_mut().enumerate() {
                let code = get_bits(&buf[2..], d * bits as usize, bits)?;
                if code > 0 {
                    vals.push(code - 1);
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

/// Reads `bits` bits at bit offset `at` (little-endian bit order), `None` past the end.
pub fn get_bits(buf: &[u8], at: usize, bits: u32) -> Option<u32> {
    let mut v = 0u32;
    for k in 0..bits as usize {
        let b = at + k;
        v |= u32::from(*buf.get(b / 8)? >> (b % 8) & 1) << k;
    }
    Some(v)
}

/// Appends `code` as `bits` bits at bit offset `at` of `buf` (grown as needed).
pub fn put_bits(buf: &mut Vec<u8>, at: usize, bits: u32, code: u32) {
    for k in 0..bits as usize {
        let b = at + k;
        if buf.len() <= b / 8 {
            buf.push(0);
        }
        buf[b / 8] |= ((code >> k & 1) as u8) << (b % 8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_rice_k_is_the_cheapest_candidate() {
        let mut x = 7u32;
        for len in [0usize, 1, 5, 100, 1000] {
            let gaps: Vec<u32> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x % 5000
                })
                .collect();
            for k0 in [0u32, 1, 3, 9, 23, 24, 25, 30] {
                let brute = (k0.saturating_sub(1)..=(k0 + 1).min(24)).min_by_key(|&k| (rice_cost(&gaps, k), k));
                assert_eq!(best_rice_k(&gaps, k0), brute.unwrap_or(0), "len {len} k0 {k0}");
            }
        }
    }

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
        let mut group = vec![9, 9];
        group.extend_from_slice(&ext);
        put_token(&mut b, "y", 2, FLAG_EXTERNAL, &external_ref(5, 2, ext.len()));
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
        let packed = encode_packed(&ps, FLAG_PASSAGE);
        let packed_dense = encode_packed(&ps, FLAG_NO_TF);
        assert_eq!(decode_packed(&packed, 2, FLAG_PASSAGE), Some(ps.clone()));
        let many: Vec<Posting> = (0..500)
            .map(|i| Posting { doc: i * 7 + i % 3, mask: 1 << (i % 5), tf: (i % 9 + 1) as u8, passage: 0 })
            .collect();
        assert_eq!(decode_packed(&encode_packed(&many, 0), 500, 0), Some(many));
        let decoded = decode_shard(&b, |g| (g == 5).then(|| group.clone()));
        assert_eq!(decode_packed(&packed_dense, 2, FLAG_NO_TF), Some(plain.clone()));
        let want = vec![("党建".to_string(), ps), ("x".to_string(), plain), ("y".to_string(), no_passage)];
        assert_eq!(decoded, Some(want));
    }
}
