//! Checks over the whole published site that are not errors but worth a look before
//! publishing: the same brand name used by different organisations.
//!
//! Two units can legitimately both call their brand 红色先锋, but on one showcase it is
//! usually a copy-paste slip, and visitors cannot tell the two apart in the gallery.

use crate::diagnostics::Diagnostic;
use crate::site::Site;
use std::collections::BTreeMap;

/// One warning per case whose brand (folded: script, width, spaces) another organisation uses.
pub fn duplicate_brands(site: &Site) -> Vec<Diagnostic> {
    // folded brand → [(folded org, case index)]
    let mut by_brand: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    for (i, case) in site.cases.iter().enumerate() {
        let org = case.meta.org.first().map(|o| site.term_key(o)).unwrap_or_default();
        by_brand.entry(site.term_key(&case.meta.brand)).or_default().push((org, i));
    }
    let mut out = Vec::new();
    for uses in by_brand.values() {
        let first_org = &uses[0].0;
        if uses.iter().all(|(org, _)| org == first_org) {
            continue;
        }
        for (org, i) in uses {
            let case = &site.cases[*i];
            let others: Vec<String> = uses
                .iter()
                .filter(|(o, _)| o != org)
                .map(|(_, j)| {
                    let other = &site.cases[*j];
                    format!("{} ({})", other.meta.org.first().map_or("", String::as_str), other.rel_path.display())
                })
                .collect();
            out.push(
                Diagnostic::warning(
                    "duplicate-brand",
                    &case.rel_path,
                    (
                        format!("品牌“{}”也被 {} 使用", case.meta.brand, others.join("、")),
                        format!("brand `{}` is also used by {}", case.meta.brand, others.join(", ")),
                    ),
                )
                .field("brand")
                .hint((
                    "如果是不同的品牌，各写全称（例如 财政局“红色先锋”）；如果是同一个品牌，把两个单位都写在 `org:` 下",
                    "if these are different brands, give each its full name (e.g. 财政局“红色先锋”); if it is one brand, list both units under `org:`",
                )),
            );
        }
    }
    out
}
