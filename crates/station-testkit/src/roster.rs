//! Made-up attendee lists for the roster's tests and benchmark: the same
//! people for the same count, with unique ids, names with diacritics, and
//! enough distinct family names that a prefix narrows the list as it grows.

/// One made-up attendee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    pub company: String,
}

const GIVEN_NAMES: &[&str] = &[
    "Megan", "Alex", "Zoë", "José", "Amélie", "Søren", "Łukasz", "Chloé", "Noah", "Emma", "Liam", "Olivia",
    "Mateo", "Sofía", "Yuki", "Aarav", "Fatima", "Ingrid", "Björn", "Anaïs", "Kofi", "Priya", "Renée",
    "Tomás", "Ümit", "Nadia", "Oskar", "Leila", "Diego", "Hana", "Isabel", "Jonas", "Karin", "Luca", "Maya",
    "Nikolai", "Paula", "Quentin", "Rosa", "Stefan", "Thea", "Uma", "Viktor", "Wanda", "Xavier", "Yara",
    "Zeynep", "Ana", "Ben", "Clara",
];

const SYLLABLES: &[&str] = &[
    "bo", "wen", "mül", "ler", "gar", "cía", "no", "vak", "kim", "ura", "sen", "ber", "li", "ndt", "fer",
    "rei", "ra", "to", "mas", "ko", "wal", "ski", "dup", "ont", "ha", "yes", "el", "lis",
];

const COMPANIES: &[&str] = &[
    "Contoso",
    "Fabrikam",
    "Northwind",
    "Tailspin",
    "Woodgrove",
    "Litware",
    "Adatum",
    "Proseware",
];

/// The sandbox's event badge as the roster sees it: given and family name
/// required, company optional.
#[cfg(feature = "engine")]
pub fn badge_template() -> station_core::config::IssuanceTemplate {
    use station_core::config::{ClaimField, IssuanceTarget, IssuanceTemplate};
    let claim = |name: &str, label: &str, required: bool| ClaimField {
        name: name.to_owned(),
        label: label.to_owned(),
        required,
    };
    IssuanceTemplate {
        name: "badge".to_owned(),
        display_name: "Event badge".to_owned(),
        service: "sandbox".to_owned(),
        credential_type: "EventBadge".to_owned(),
        target: IssuanceTarget::Orchestration {
            contract_id: "c0000000-0000-4000-8000-000000000001".to_owned(),
        },
        pin_length: None,
        pin_hashed: false,
        claims: vec![
            claim("given_name", "First name", true),
            claim("family_name", "Last name", true),
            claim("company", "Company", false),
        ],
        photo_claim: None,
        badge: None,
    }
}

/// `count` attendees; the same ones on every call.
pub fn attendees(count: usize) -> Vec<Attendee> {
    let mut random = SplitMix(0x5eed);
    (0..count)
        .map(|n| {
            let syllables = 2 + random.below(2);
            let family: String = (0..syllables)
                .map(|_| SYLLABLES[random.below(SYLLABLES.len())])
                .collect();
            Attendee {
                id: format!("A{n:06}"),
                given_name: GIVEN_NAMES[random.below(GIVEN_NAMES.len())].to_owned(),
                family_name: capitalised(&family),
                company: COMPANIES[random.below(COMPANIES.len())].to_owned(),
            }
        })
        .collect()
}

/// The CSV an organiser would export: `id,given_name,family_name,company`.
pub fn csv(attendees: &[Attendee]) -> String {
    let mut text = String::from("id,given_name,family_name,company\n");
    for a in attendees {
        text.push_str(&format!(
            "{},{},{},{}\n",
            a.id, a.given_name, a.family_name, a.company
        ));
    }
    text
}

/// What the search box holds, keystroke by keystroke, as someone types
/// the attendee's full name: `m`, `me`, …, `megan`, `megan b`, ….
pub fn as_typed(attendee: &Attendee) -> Vec<String> {
    let full = format!("{} {}", attendee.given_name, attendee.family_name).to_lowercase();
    full.char_indices()
        .map(|(at, c)| full[..at + c.len_utf8()].to_owned())
        .filter(|typed| !typed.ends_with(' '))
        .collect()
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A small fixed-seed generator, so the lists need no dependency.
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z % bound as u64) as usize
    }
}
