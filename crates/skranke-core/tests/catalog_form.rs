//! The service description form, on the real description of Kundeservice
//! (`data/kundeservice-tjenestebeskrivelse.md`, a copy of the seed the
//! requirements come from): every section and the three roles arrive, and
//! writing it back and reading it again gives the same description.

use skranke_core::catalog::{self, FormError, Role};

const SEED: &str = include_str!("data/kundeservice-tjenestebeskrivelse.md");

#[test]
fn the_seed_description_is_read_whole() {
    let d = catalog::parse(SEED).unwrap();
    assert_eq!(d.name, "KUNDESERVICE");
    assert_eq!(d.status_line.as_deref(), Some("TJENESTEN ER TILGJENGELIG"));
    let keys: Vec<&str> = d.sections.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        [
            "description",
            "included",
            "expectations",
            "cost",
            "contribute",
            "more_info"
        ]
    );
    let section = |k: &str| d.sections.iter().find(|(s, _)| *s == k).unwrap().1.as_str();
    assert!(
        section("description").starts_with("Alle kunder av IT-tjenester"),
        "{}",
        section("description")
    );
    assert!(
        section("description").contains("PRIORITERING"),
        "subheadings stay in their section"
    );
    assert!(section("included").contains("- Brukerhåndtering"));
    assert!(section("included").contains("Informasjon til brukerne om vedlikeholdsarbeid"));
    assert!(section("expectations").contains("mellom 0800 og 1530"));
    assert_eq!(
        section("cost"),
        "Denne tjenesten er inkludert i basistjenestene"
    );
    assert!(section("contribute").contains("@PC-info"));
    assert_eq!(
        section("more_info"),
        "Kontakt Kundeservice for mer informasjon"
    );
    assert_eq!(
        d.roles,
        [
            (Role::Owner, "ROR-IKT".to_owned()),
            (Role::Manager, "ROR-IKT".to_owned()),
            (Role::Operations, "ROR-IKT Kundeservice".to_owned()),
        ]
    );
}

#[test]
fn export_then_import_gives_the_same_service() {
    let d = catalog::parse(SEED).unwrap();
    let written = catalog::render(&d);
    assert_eq!(catalog::parse(&written).unwrap(), d);
    assert_eq!(
        catalog::render(&catalog::parse(&written).unwrap()),
        written,
        "stable"
    );
}

#[test]
fn a_broken_form_says_what_is_wrong() {
    assert_eq!(
        catalog::parse("## 1 BESKRIVELSE AV TJENESTEN\n"),
        Err(FormError::NoName)
    );
    let without_cost = SEED.replace("## 4 HVA KOSTER DETTE?", "Kostnad:");
    assert_eq!(
        catalog::parse(&without_cost),
        Err(FormError::MissingSection(4))
    );
    let misnamed = SEED.replace("## 2 HVA ER INKLUDERT?", "## 2 INKLUDERT");
    assert!(matches!(
        catalog::parse(&misnamed),
        Err(FormError::WrongHeading { number: 2, .. })
    ));
    let stranger = SEED.replace("Driftsansvarlig\tROR-IKT", "Vaktmester\tROR-IKT");
    assert!(matches!(
        catalog::parse(&stranger),
        Err(FormError::UnknownRole(_))
    ));
}

#[test]
fn a_markdown_roles_table_reads_too() {
    let md = SEED.replace(
        "Rolle\tAnsvarlig\nTjenesteeier\tROR-IKT\nTjenesteforvalter\tROR-IKT\nDriftsansvarlig\tROR-IKT Kundeservice",
        "| Rolle | Ansvarlig |\n|---|---|\n| Tjenesteeier | ROR-IKT |\n| Tjenesteforvalter | IKT-sjef |\n| Driftsansvarlig | Drift |",
    );
    let d = catalog::parse(&md).unwrap();
    assert_eq!(d.roles[1], (Role::Manager, "IKT-sjef".to_owned()));
    assert_eq!(d.roles[2], (Role::Operations, "Drift".to_owned()));
}

#[test]
fn a_service_from_the_form_and_back() {
    let d = catalog::parse(SEED).unwrap();
    let s = catalog::CatalogService::from_form(d.clone(), None, "Brukerstøtte");
    assert_eq!(
        (s.key.as_str(), s.name.as_str()),
        ("kundeservice", "Kundeservice")
    );
    let again = catalog::parse(&s.to_form()).unwrap();
    assert_eq!(again, d, "the heading goes back in capitals");
}
