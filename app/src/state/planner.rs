//! The Planner page's view state: the form (every [`PlanInput`] field as a
//! query field), its parsing into a [`PlanInput`], the engine's errors mapped
//! back onto the fields they name, presets (the seeds' examples among them),
//! number formatting, and the chart data sampled from the engine's
//! [`model`] functions.
//!
//! No Leptos here: the page component reads these types and calls these
//! functions; the formulas live in [`kplay_engine::planner`].
//!
//! ## Query format
//!
//! One query field per input, named like the `PlanInput` field (the CLI's
//! `kplay plan --input` JSON), holding the value **as typed in the form's
//! units**. The units are those of the field names (MB/s decimal, hours,
//! bytes, GB, Gbit/s, months, ms), except the three fractions, which the form
//! shows as percentages and the URL carries with a `_pct` suffix:
//! `headroom_pct`, `nic_target_utilisation_pct`, `annual_growth_pct`
//! (`headroom_pct=25` is `headroom: 0.25`). An empty or absent field means
//! "not given" (the engine's documented default applies, or it is required).
//! Example: `?ingress_mb_per_s=1000&retention_hours=168&replication_factor=3`.
//! Unknown or repeated query fields are errors, never ignored: a typo such as
//! `headroom_pc=25` must not silently fall back to a default.

use std::collections::BTreeMap;

use kplay_engine::planner::report::Constraint;
use kplay_engine::planner::{model, plan, plan_json, Plan, PlanInput, PlanInputError};

/// How a field is entered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A number typed as text (so that a bad value can be explained, not
    /// silently dropped by the browser).
    Number,
    /// Free text (names).
    Text,
    /// One of fixed options: (value, label); value `""` means "not given".
    Choice(&'static [(&'static str, &'static str)]),
}

/// How a slider maps its position to a value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Position = value.
    Linear,
    /// Position = log10(value).
    Log10,
}

/// A slider next to a typed input. Its range only bounds the slider; the
/// typed input accepts anything and the engine decides what is valid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slider {
    /// Lowest position.
    pub min: f64,
    /// Highest position.
    pub max: f64,
    /// Step between positions.
    pub step: f64,
    /// Position ↔ value mapping.
    pub scale: Scale,
}

/// One form field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSpec {
    /// The `PlanInput` field (and the engine's name in errors); the input's
    /// test id is `input-<field>`.
    pub field: &'static str,
    /// The query key (`field`, or `field_pct` for a percentage).
    pub key: &'static str,
    /// Label.
    pub label: &'static str,
    /// Unit shown next to the input.
    pub unit: &'static str,
    /// How it is entered.
    pub kind: Kind,
    /// Shown as a percentage; the engine gets value ÷ 100.
    pub percent: bool,
    /// Optional slider.
    pub slider: Option<Slider>,
    /// Placeholder: the default, or what leaving it empty means.
    pub placeholder: &'static str,
    /// One line of help.
    pub help: &'static str,
}

/// A group of fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Section {
    /// Heading.
    pub title: &'static str,
    /// Fields.
    pub fields: &'static [FieldSpec],
}

const fn num(
    field: &'static str,
    label: &'static str,
    unit: &'static str,
    slider: Option<Slider>,
    placeholder: &'static str,
    help: &'static str,
) -> FieldSpec {
    FieldSpec {
        field,
        key: field,
        label,
        unit,
        kind: Kind::Number,
        percent: false,
        slider,
        placeholder,
        help,
    }
}

const fn pct(
    field: &'static str,
    key: &'static str,
    label: &'static str,
    slider: Slider,
    placeholder: &'static str,
    help: &'static str,
) -> FieldSpec {
    FieldSpec {
        field,
        key,
        label,
        unit: "%",
        kind: Kind::Number,
        percent: true,
        slider: Some(slider),
        placeholder,
        help,
    }
}

const fn text(
    field: &'static str,
    label: &'static str,
    placeholder: &'static str,
    help: &'static str,
) -> FieldSpec {
    FieldSpec {
        field,
        key: field,
        label,
        unit: "",
        kind: Kind::Text,
        percent: false,
        slider: None,
        placeholder,
        help,
    }
}

const fn lin(min: f64, max: f64, step: f64) -> Option<Slider> {
    Some(Slider {
        min,
        max,
        step,
        scale: Scale::Linear,
    })
}

const fn log(min: f64, max: f64) -> Option<Slider> {
    Some(Slider {
        min,
        max,
        step: 0.01,
        scale: Scale::Log10,
    })
}

const CODECS: &[(&str, &str)] = &[
    ("", "not set"),
    ("none", "none"),
    ("gzip", "gzip"),
    ("snappy", "snappy"),
    ("lz4", "lz4"),
    ("zstd", "zstd"),
];
const ACKS: &[(&str, &str)] = &[
    ("", "all (default)"),
    ("all", "all"),
    ("1", "1 (leader)"),
    ("0", "0 (none)"),
];

/// Every field of the form, grouped.
pub const SECTIONS: &[Section] = &[
    Section {
        title: "Workload",
        fields: &[
            num(
                "ingress_mb_per_s",
                "Average ingress",
                "MB/s (10^6 bytes/s, uncompressed)",
                log(-1.0, 5.0),
                "required (or records/s × size)",
                "What producers write on average, before compression.",
            ),
            num(
                "records_per_s",
                "…or records per second",
                "records/s",
                None,
                "instead of MB/s",
                "Give this with the average record size instead of MB/s (not both).",
            ),
            num(
                "avg_record_bytes",
                "Average record size",
                "bytes",
                log(1.0, 7.0),
                "optional",
                "Needed with records/s; also enables the producer estimate.",
            ),
            num(
                "peak_to_average",
                "Peak ÷ average",
                "×",
                lin(1.0, 10.0, 0.1),
                "1",
                "Partitions and network are sized for the peak.",
            ),
            pct(
                "annual_growth",
                "annual_growth_pct",
                "Growth per year",
                Slider {
                    min: 0.0,
                    max: 300.0,
                    step: 5.0,
                    scale: Scale::Linear,
                },
                "0",
                "Compounded yearly over the horizon.",
            ),
            num(
                "horizon_months",
                "Growth horizon",
                "months",
                lin(0.0, 60.0, 1.0),
                "0",
                "The plan is sized for the ingress at the end of the horizon.",
            ),
        ],
    },
    Section {
        title: "Retention",
        fields: &[
            num(
                "retention_hours",
                "Retention (retention.ms)",
                "hours",
                log(0.0, 4.0),
                "required (or retention.bytes)",
                "168 h = 7 days.",
            ),
            num(
                "retention_bytes_per_partition",
                "retention.bytes",
                "bytes per partition (per replica)",
                None,
                "not set",
                "Kafka applies retention.bytes to each partition, not the topic.",
            ),
            num(
                "consumer_outage_hours",
                "Worst-case consumer outage",
                "hours",
                None,
                "not set",
                "Retention shorter than this loses data for a group that is down.",
            ),
        ],
    },
    Section {
        title: "Replication",
        fields: &[
            num(
                "replication_factor",
                "Replication factor",
                "copies",
                lin(1.0, 7.0, 1.0),
                "required",
                "Copies of each partition, one per broker.",
            ),
            num(
                "min_insync_replicas",
                "min.insync.replicas",
                "replicas",
                lin(1.0, 7.0, 1.0),
                "1",
                "With acks=all, writes need this many in-sync replicas.",
            ),
            num(
                "brokers",
                "Brokers",
                "brokers",
                lin(1.0, 60.0, 1.0),
                "computed",
                "Leave empty to compute the count from the constraints.",
            ),
        ],
    },
    Section {
        title: "Compression",
        fields: &[
            FieldSpec {
                field: "compression_codec",
                key: "compression_codec",
                label: "compression.type",
                unit: "",
                kind: Kind::Choice(CODECS),
                percent: false,
                slider: None,
                placeholder: "",
                help: "The producer's codec.",
            },
            num(
                "compression_ratio",
                "Compression ratio",
                "× (uncompressed ÷ compressed)",
                lin(1.0, 10.0, 0.1),
                "1",
                "Measure it on your data; lz4 on JSON is often 2–4×.",
            ),
        ],
    },
    Section {
        title: "Consumers and partitions",
        fields: &[
            num(
                "consumer_groups",
                "Consumer groups",
                "groups (fan-out)",
                lin(0.0, 20.0, 1.0),
                "1",
                "Each group reads every byte.",
            ),
            num(
                "peak_consumers",
                "Peak consumers in one group",
                "consumers",
                lin(0.0, 100.0, 1.0),
                "1",
                "Partitions ≥ 2 × this, to leave room to double the group.",
            ),
            num(
                "producer_mb_per_s_per_partition",
                "Produce rate one partition sustains",
                "MB/s",
                lin(1.0, 100.0, 1.0),
                "10",
                "Measure it; Confluent: \"10s of MB/s\" per partition.",
            ),
            num(
                "consumer_mb_per_s_per_partition",
                "Consume rate one partition sustains",
                "MB/s",
                lin(1.0, 100.0, 1.0),
                "10",
                "Application dependent: measure it.",
            ),
            num(
                "partitions_per_broker_limit",
                "Partition replicas per broker (guidance)",
                "replicas",
                None,
                "4000",
                "KIP-578's figure.",
            ),
            num(
                "partitions_per_cluster_limit",
                "Partition replicas per cluster (guidance)",
                "replicas",
                None,
                "200000",
                "KIP-578's figure (ZooKeeper era).",
            ),
        ],
    },
    Section {
        title: "Broker hardware",
        fields: &[
            num(
                "broker_disk_gb",
                "Disk per broker",
                "GB (10^9 bytes)",
                log(1.0, 5.0),
                "not set",
                "Usable disk for Kafka's log dirs.",
            ),
            num(
                "broker_nic_gbit_per_s",
                "NIC per broker",
                "Gbit/s (1 Gbit/s = 125 MB/s)",
                lin(1.0, 100.0, 1.0),
                "not set",
                "Line rate.",
            ),
            pct(
                "nic_target_utilisation",
                "nic_target_utilisation_pct",
                "NIC target utilisation",
                Slider {
                    min: 5.0,
                    max: 100.0,
                    step: 5.0,
                    scale: Scale::Linear,
                },
                "70",
                "Share of the line rate the plan may use.",
            ),
            pct(
                "headroom",
                "headroom_pct",
                "Disk headroom",
                Slider {
                    min: 0.0,
                    max: 100.0,
                    step: 5.0,
                    scale: Scale::Linear,
                },
                "0",
                "Extra disk over the retained bytes (segments, rebalancing, growth).",
            ),
        ],
    },
    Section {
        title: "Producer",
        fields: &[
            num(
                "batch_size_bytes",
                "batch.size",
                "bytes",
                None,
                "16384",
                "Kafka's default 16384.",
            ),
            num(
                "linger_ms",
                "linger.ms",
                "ms",
                lin(0.0, 100.0, 1.0),
                "5",
                "Kafka 4.0's default 5.",
            ),
            num(
                "max_in_flight",
                "max.in.flight.requests.per.connection",
                "requests",
                lin(1.0, 10.0, 1.0),
                "5",
                "≤ 5 keeps idempotence.",
            ),
            FieldSpec {
                field: "acks",
                key: "acks",
                label: "acks",
                unit: "",
                kind: Kind::Choice(ACKS),
                percent: false,
                slider: None,
                placeholder: "",
                help: "all = leader and in-sync followers.",
            },
            num(
                "rtt_ms",
                "Round-trip time to brokers",
                "ms",
                lin(0.0, 100.0, 0.5),
                "1",
                "Same data centre ≈ 1 ms.",
            ),
        ],
    },
    Section {
        title: "Cost (optional)",
        fields: &[
            num(
                "broker_price_per_month",
                "Price per broker",
                "per month",
                None,
                "not set",
                "Any currency.",
            ),
            num(
                "storage_price_per_gb_month",
                "Price per GB of disk",
                "per GB-month",
                None,
                "not set",
                "Same currency.",
            ),
        ],
    },
    Section {
        title: "Names for the exports",
        fields: &[
            text(
                "topic",
                "Topic",
                "events",
                "[a-zA-Z0-9._-], at most 249 characters.",
            ),
            text(
                "bootstrap_servers",
                "bootstrap.servers",
                "localhost:9092",
                "host:port,host:port",
            ),
            text(
                "group_id",
                "Consumer group.id",
                "<topic>-consumer",
                "[a-zA-Z0-9._-]",
            ),
        ],
    },
];

/// Query keys that are always written (the required inputs), so that a
/// cleared form stays cleared instead of falling back to the default preset.
pub const REQUIRED_KEYS: [&str; 3] = ["ingress_mb_per_s", "retention_hours", "replication_factor"];

/// Every field, in form order.
pub fn all_fields() -> impl Iterator<Item = &'static FieldSpec> {
    SECTIONS.iter().flat_map(|s| s.fields.iter())
}

/// The field with this query key.
pub fn field_by_key(key: &str) -> Option<&'static FieldSpec> {
    all_fields().find(|f| f.key == key)
}

/// The field with this engine (`PlanInput`) name.
pub fn field_by_name(name: &str) -> Option<&'static FieldSpec> {
    all_fields().find(|f| f.field == name)
}

/// The form: what is typed in each field, by query key. Absent = empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlannerForm {
    values: BTreeMap<&'static str, String>,
}

/// A problem with one field, shown next to it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The engine field name (`replication_factor`, `headroom`, …).
    pub field: &'static str,
    /// What is wrong, in words.
    pub message: String,
}

/// The form evaluated: a plan, or the reasons there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The plan, when every input is valid.
    pub plan: Option<Plan>,
    /// Problems attached to fields.
    pub field_errors: Vec<FieldError>,
    /// Problems not about one field (the link, a result out of range).
    pub general_errors: Vec<String>,
}

impl Outcome {
    /// The messages for one field.
    pub fn errors_for(&self, field: &str) -> Vec<String> {
        self.field_errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.clone())
            .collect()
    }

    /// The banner text, if anything is wrong.
    pub fn banner(&self) -> Option<String> {
        if self.plan.is_some() && self.general_errors.is_empty() {
            return None;
        }
        let mut parts = self.general_errors.clone();
        if !self.field_errors.is_empty() {
            let mut fields: Vec<&str> = self
                .field_errors
                .iter()
                .map(|e| field_by_name(e.field).map_or(e.field, |f| f.label))
                .collect();
            fields.dedup();
            parts.push(format!(
                "No plan: {} input{} need{} fixing ({}); see the messages next to the fields.",
                self.field_errors.len(),
                if self.field_errors.len() == 1 {
                    ""
                } else {
                    "s"
                },
                if self.field_errors.len() == 1 {
                    "s"
                } else {
                    ""
                },
                fields.join(", ")
            ));
        }
        Some(parts.join(" "))
    }
}

impl PlannerForm {
    /// Reads the form from query pairs. Returns the form (known fields) and
    /// the link's problems: unknown or repeated fields. A query without any
    /// known field gives the default preset.
    pub fn from_query<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Self, Vec<String>) {
        let mut form = Self::default();
        let mut problems = Vec::new();
        let mut any = false;
        for (k, v) in pairs {
            match field_by_key(k) {
                Some(f) => {
                    any = true;
                    if form.values.insert(f.key, v.to_owned()).is_some() {
                        problems.push(format!(
                            "The link gives the query field '{}' twice.",
                            kplay_engine::input::clip(k)
                        ));
                    }
                }
                None => problems.push(format!(
                    "Unknown query field '{}' in the link (fields are named like the plan inputs, e.g. ingress_mb_per_s, headroom_pct).",
                    kplay_engine::input::clip(k)
                )),
            }
        }
        if !any && problems.is_empty() {
            return (default_preset().form(), problems);
        }
        (form, problems)
    }

    /// The value typed for a query key (`""` if empty).
    pub fn get(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }

    /// The form with one field changed.
    pub fn with(&self, key: &str, value: &str) -> Self {
        let mut f = self.clone();
        if let Some(spec) = field_by_key(key) {
            f.values.insert(spec.key, value.to_owned());
        }
        f
    }

    /// A form with every field empty.
    pub fn cleared() -> Self {
        Self::default()
    }

    /// The query pairs: every non-empty field, plus the required ones even
    /// when empty, in form order.
    pub fn to_query(&self) -> Vec<(String, String)> {
        all_fields()
            .filter_map(|f| {
                let v = self.get(f.key).trim();
                (!v.is_empty() || REQUIRED_KEYS.contains(&f.key))
                    .then(|| (f.key.to_owned(), v.to_owned()))
            })
            .collect()
    }

    /// Parses the fields into a [`PlanInput`]. Fields that are not numbers
    /// give a [`FieldError`] and stay unset.
    pub fn to_input(&self) -> (PlanInput, Vec<FieldError>) {
        let mut input = PlanInput::default();
        let mut errors = Vec::new();
        for f in all_fields() {
            let raw = self.get(f.key).trim();
            if raw.is_empty() {
                continue;
            }
            match f.kind {
                Kind::Number => match raw.parse::<f64>() {
                    Ok(v) => {
                        let v = if f.percent { v / 100.0 } else { v };
                        set_number(&mut input, f.field, v);
                    }
                    Err(_) => errors.push(FieldError {
                        field: f.field,
                        message: format!(
                            "'{}' is not a number (use digits, a '.' for decimals, e.g. 12.5 or 1e3).",
                            kplay_engine::input::clip(raw)
                        ),
                    }),
                },
                Kind::Text | Kind::Choice(_) => set_text(&mut input, f.field, raw),
            }
        }
        (input, errors)
    }

    /// Validates and plans. Link problems block the plan (a mistyped field
    /// must not silently become a default).
    pub fn evaluate(&self, link_problems: &[String]) -> Outcome {
        let (input, mut field_errors) = self.to_input();
        let mut general_errors = link_problems.to_vec();
        let result = plan(&input);
        let plan = match result {
            Ok(p) => Some(p),
            Err(errors) => {
                for e in &errors {
                    attach(e, &mut field_errors, &mut general_errors);
                }
                None
            }
        };
        let blocked = !field_errors.is_empty() || !general_errors.is_empty();
        Outcome {
            plan: if blocked { None } else { plan },
            field_errors,
            general_errors,
        }
    }
}

fn set_number(i: &mut PlanInput, field: &str, v: f64) {
    let slot = match field {
        "ingress_mb_per_s" => &mut i.ingress_mb_per_s,
        "records_per_s" => &mut i.records_per_s,
        "avg_record_bytes" => &mut i.avg_record_bytes,
        "peak_to_average" => &mut i.peak_to_average,
        "retention_hours" => &mut i.retention_hours,
        "retention_bytes_per_partition" => &mut i.retention_bytes_per_partition,
        "replication_factor" => &mut i.replication_factor,
        "min_insync_replicas" => &mut i.min_insync_replicas,
        "compression_ratio" => &mut i.compression_ratio,
        "consumer_groups" => &mut i.consumer_groups,
        "producer_mb_per_s_per_partition" => &mut i.producer_mb_per_s_per_partition,
        "consumer_mb_per_s_per_partition" => &mut i.consumer_mb_per_s_per_partition,
        "peak_consumers" => &mut i.peak_consumers,
        "brokers" => &mut i.brokers,
        "headroom" => &mut i.headroom,
        "broker_disk_gb" => &mut i.broker_disk_gb,
        "broker_nic_gbit_per_s" => &mut i.broker_nic_gbit_per_s,
        "nic_target_utilisation" => &mut i.nic_target_utilisation,
        "partitions_per_broker_limit" => &mut i.partitions_per_broker_limit,
        "partitions_per_cluster_limit" => &mut i.partitions_per_cluster_limit,
        "annual_growth" => &mut i.annual_growth,
        "horizon_months" => &mut i.horizon_months,
        "consumer_outage_hours" => &mut i.consumer_outage_hours,
        "batch_size_bytes" => &mut i.batch_size_bytes,
        "linger_ms" => &mut i.linger_ms,
        "max_in_flight" => &mut i.max_in_flight,
        "rtt_ms" => &mut i.rtt_ms,
        "broker_price_per_month" => &mut i.broker_price_per_month,
        "storage_price_per_gb_month" => &mut i.storage_price_per_gb_month,
        _ => return,
    };
    *slot = Some(v);
}

fn set_text(i: &mut PlanInput, field: &str, v: &str) {
    let slot = match field {
        "compression_codec" => &mut i.compression_codec,
        "acks" => &mut i.acks,
        "topic" => &mut i.topic,
        "bootstrap_servers" => &mut i.bootstrap_servers,
        "group_id" => &mut i.group_id,
        _ => return,
    };
    *slot = Some(v.to_owned());
}

/// The form's field for an engine field name, as a `'static` name.
fn known(field: &str) -> Option<&'static str> {
    field_by_name(field).map(|f| f.field)
}

/// Explains one engine error next to the field(s) it names.
fn attach(e: &PlanInputError, fields: &mut Vec<FieldError>, general: &mut Vec<String>) {
    let already = |fields: &Vec<FieldError>, f: &str| fields.iter().any(|x| x.field == f);
    match e {
        PlanInputError::InvalidValue {
            field,
            value,
            reason,
        } => match known(field) {
            Some(f) if !already(fields, f) => {
                let pct = field_by_name(f).is_some_and(|s| s.percent);
                let message = if pct {
                    format!("{reason} (as a fraction: the form's % ÷ 100 = {value}).")
                } else {
                    format!("{reason} (got {value}).")
                };
                fields.push(FieldError { field: f, message });
            }
            Some(_) => {}
            None => general.push(e.to_string()),
        },
        PlanInputError::MissingField { field, reason } => match known(field) {
            Some(f) if !already(fields, f) => fields.push(FieldError {
                field: f,
                message: format!("Required: {reason}."),
            }),
            Some(_) => {}
            None => general.push(e.to_string()),
        },
        PlanInputError::ConflictingFields {
            first,
            second,
            reason,
        } => {
            for (a, b) in [(first, second), (second, first)] {
                if let Some(f) = known(a) {
                    if !already(fields, f) {
                        fields.push(FieldError {
                            field: f,
                            message: format!("Conflicts with {b}: {reason}."),
                        });
                    }
                }
            }
        }
        PlanInputError::InvalidReplicationFactor { .. } => {
            for f in ["replication_factor", "brokers"] {
                if !already(fields, f) {
                    fields.push(FieldError {
                        field: f,
                        message: e.to_string(),
                    });
                }
            }
        }
        other => general.push(other.to_string()),
    }
}

/// A preset: a common case, filled into the form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Preset {
    /// Stable id (test id `preset-<id>`).
    pub id: &'static str,
    /// Button label.
    pub label: &'static str,
    /// Query key → value.
    pub values: &'static [(&'static str, &'static str)],
    /// What it shows.
    pub note: &'static str,
}

impl Preset {
    /// The form this preset fills.
    pub fn form(&self) -> PlannerForm {
        let mut f = PlannerForm::default();
        for (k, v) in self.values {
            f = f.with(k, v);
        }
        f
    }
}

/// The presets. The seed figures are the engine's (see
/// `kplay_engine::planner`, "A seed's figure, checked").
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "worked",
        label: "Worked example: 50 MB/s, peak 2×, 24 h, RF 3, lz4 2×, 4 brokers",
        values: &[
            ("ingress_mb_per_s", "50"),
            ("peak_to_average", "2"),
            ("retention_hours", "24"),
            ("replication_factor", "3"),
            ("min_insync_replicas", "2"),
            ("compression_codec", "lz4"),
            ("compression_ratio", "2"),
            ("consumer_groups", "2"),
            ("producer_mb_per_s_per_partition", "20"),
            ("consumer_mb_per_s_per_partition", "25"),
            ("peak_consumers", "3"),
            ("brokers", "4"),
            ("headroom_pct", "25"),
            ("broker_price_per_month", "500"),
            ("storage_price_per_gb_month", "0.1"),
            ("topic", "orders"),
        ],
        note: "The engine's hand-checked example: 50 × 10^6 B/s × 86 400 s × 3 ÷ 2 × 1.25 = 8.1 TB; partitions max(100/20, 100/25, 3 × 2) = 6 → 8 (a multiple of 4 brokers); network in 100 ÷ 2 × 3 ÷ 4 = 37.5 MB/s, out 50 × (2 + 3 − 1) ÷ 4 = 50 MB/s per broker.",
    },
    Preset {
        id: "seed-60tb",
        label: "Seed: 100 producers × 10 MB/s, 7 days, RF 3",
        values: &[
            ("ingress_mb_per_s", "1000"),
            ("retention_hours", "168"),
            ("replication_factor", "3"),
            ("min_insync_replicas", "2"),
        ],
        note: "A curriculum article says this \"uses about 60TB of disk (with 3x replication)\". That is wrong: 100 × 10 MB/s = 1000 MB/s; × 604 800 s (7 days) = 604.8 TB per copy; × 3 = 1 814.4 TB ≈ 1.81 PB (1 650.2 TiB), uncompressed. Even with the ~4× lz4 the article assumes it is 453.6 TB (next preset); reading 10 MB/s as the total of all producers gives 18.1 TB. None of the readings is about 60 TB.",
    },
    Preset {
        id: "seed-60tb-lz4",
        label: "Seed, with the article's lz4 at ~4× and its producer settings",
        values: &[
            ("ingress_mb_per_s", "1000"),
            ("retention_hours", "168"),
            ("replication_factor", "3"),
            ("min_insync_replicas", "2"),
            ("compression_codec", "lz4"),
            ("compression_ratio", "4"),
            ("avg_record_bytes", "1000"),
            ("batch_size_bytes", "65536"),
            ("linger_ms", "5"),
            ("max_in_flight", "5"),
            ("topic", "orders"),
        ],
        note: "The same article's topic: lz4 (\"~4x compression\"), min.insync.replicas 2, batch.size 65536, linger.ms 5, 5 in flight. 1 814.4 TB ÷ 4 = 453.6 TB (412.5 TiB) — still far from \"about 60 TB\". The 1000-byte record size is an assumption (the article gives none); it only feeds the producer estimate.",
    },
    Preset {
        id: "seed-5m-per-day",
        label: "Seed: 5M events/day, partitions = peak consumers × 2",
        values: &[
            ("records_per_s", "58"),
            ("avg_record_bytes", "1000"),
            ("retention_hours", "168"),
            ("replication_factor", "3"),
            ("min_insync_replicas", "2"),
            ("peak_consumers", "6"),
        ],
        note: "Another article runs \"5M+ events/day\" (5 000 000 ÷ 86 400 ≈ 58 records/s) and sizes partitions as planned peak consumers × 2. At an assumed 1 kB per record that is 0.058 MB/s: throughput needs one partition, so the consumer rule decides (6 × 2 = 12). Disk is tiny: 0.058 MB/s × 604 800 s × 3 ≈ 105 GB.",
    },
    Preset {
        id: "network-bound",
        label: "Network-bound: 100 MB/s, 3 groups, 1 Gbit/s NICs at 80 %",
        values: &[
            ("ingress_mb_per_s", "100"),
            ("retention_hours", "24"),
            ("replication_factor", "3"),
            ("min_insync_replicas", "2"),
            ("consumer_groups", "3"),
            ("broker_nic_gbit_per_s", "1"),
            ("nic_target_utilisation_pct", "80"),
        ],
        note: "Out of the cluster: 100 × (3 groups + 3 − 1) = 500 MB/s; one NIC carries 1 × 125 × 0.8 = 100 MB/s, so 5 brokers, bound by the network.",
    },
    Preset {
        id: "growth",
        label: "Growing: 200 MB/s, +50 %/year for 2 years, 4 TB disks, 10 Gbit/s",
        values: &[
            ("ingress_mb_per_s", "200"),
            ("peak_to_average", "1.5"),
            ("annual_growth_pct", "50"),
            ("horizon_months", "24"),
            ("retention_hours", "72"),
            ("replication_factor", "3"),
            ("min_insync_replicas", "2"),
            ("compression_codec", "zstd"),
            ("compression_ratio", "3"),
            ("consumer_groups", "4"),
            ("peak_consumers", "24"),
            ("broker_disk_gb", "4000"),
            ("broker_nic_gbit_per_s", "10"),
            ("headroom_pct", "30"),
            ("consumer_outage_hours", "48"),
        ],
        note: "Sized for the horizon: 200 × 1.5^2 = 450 MB/s average, × 1.5 = 675 MB/s peak. Disk, not the network, sets the broker count here.",
    },
];

/// The preset shown when the URL has no plan.
pub fn default_preset() -> &'static Preset {
    &PRESETS[0]
}

/// The preset whose values the form holds exactly, if any.
pub fn matching_preset(form: &PlannerForm) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| {
        let pf = p.form();
        all_fields().all(|f| pf.get(f.key).trim() == form.get(f.key).trim())
    })
}

// ---------------------------------------------------------------------------
// Sliders.
// ---------------------------------------------------------------------------

/// The slider position for a typed value (`None` if it is not a number or
/// cannot be placed, e.g. log of a non-positive value).
pub fn slider_position(s: &Slider, typed: &str) -> Option<f64> {
    let v: f64 = typed.trim().parse().ok()?;
    let p = match s.scale {
        Scale::Linear => v,
        Scale::Log10 if v > 0.0 => v.log10(),
        Scale::Log10 => return None,
    };
    p.is_finite().then_some(p)
}

/// The value a slider position stands for, as the text to put in the field
/// (3 significant digits on a log slider).
pub fn slider_value(s: &Slider, position: f64) -> String {
    match s.scale {
        Scale::Linear => fmt_plain(position, 6),
        Scale::Log10 => fmt_plain(round_sig(10f64.powf(position), 3), 6),
    }
}

fn round_sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let mag = v.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits - 1 - mag);
    (v * factor).round() / factor
}

// ---------------------------------------------------------------------------
// Formatting.
// ---------------------------------------------------------------------------

/// A number with at most `decimals` decimals, trailing zeros trimmed.
pub fn fmt_plain(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_owned();
    }
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    if s == "-0" {
        "0".to_owned()
    } else {
        s
    }
}

/// An integer with `,` between thousands.
pub fn fmt_grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Decimal byte units, as Kafka's docs use them.
const UNITS: [(&str, f64); 7] = [
    ("EB", 1e18),
    ("PB", 1e15),
    ("TB", 1e12),
    ("GB", 1e9),
    ("MB", 1e6),
    ("kB", 1e3),
    ("bytes", 1.0),
];

/// The decimal unit to show `max_bytes` in: (name, bytes per unit).
pub fn byte_unit(max_bytes: f64) -> (&'static str, f64) {
    UNITS
        .iter()
        .copied()
        .find(|(_, u)| max_bytes >= *u)
        .unwrap_or(("bytes", 1.0))
}

/// Bytes in the largest decimal unit, e.g. `8.1 TB`, `1.814 PB`.
pub fn fmt_bytes(bytes: f64) -> String {
    let (name, unit) = byte_unit(bytes);
    format!("{} {name}", fmt_plain(bytes / unit, 3))
}

/// The same bytes in TB, TiB and exact bytes, for comparing with figures
/// quoted in either unit.
pub fn fmt_bytes_detail(bytes: u64) -> String {
    let b = bytes as f64;
    format!(
        "{} TB · {} TiB · {} bytes",
        fmt_plain(b / model::TB, 3),
        fmt_plain(b / model::TIB, 2),
        fmt_grouped(bytes)
    )
}

/// A derivation term's value with its unit (`—` when not given).
pub fn fmt_term(value: f64, unit: &str) -> String {
    if value.is_nan() {
        return "not given".to_owned();
    }
    let v = if unit == "bytes" && value >= 1e3 {
        format!("{} ({})", fmt_grouped(value as u64), fmt_bytes(value))
    } else {
        fmt_plain(value, 4)
    };
    if unit.is_empty() || unit == "bytes" && value >= 1e3 {
        v
    } else {
        format!("{v} {unit}")
    }
}

/// The binding constraint in words.
pub fn constraint_name(c: Constraint) -> &'static str {
    c.as_str()
}

/// One export with its copy button.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportItem {
    /// Stable id (test ids `export-<id>`, `copy-<id>`).
    pub id: &'static str,
    /// Heading.
    pub label: &'static str,
    /// The text to copy.
    pub text: String,
}

/// The plan's exports, in panel order.
pub fn exports(p: &Plan) -> Vec<ExportItem> {
    vec![
        ExportItem {
            id: "kafka-topics",
            label: "kafka-topics command",
            text: p.exports.kafka_topics_command.clone(),
        },
        ExportItem {
            id: "producer-properties",
            label: "producer.properties",
            text: p.exports.producer_properties.clone(),
        },
        ExportItem {
            id: "consumer-properties",
            label: "consumer.properties",
            text: p.exports.consumer_properties.clone(),
        },
        ExportItem {
            id: "plan-json",
            label: "The plan as JSON",
            text: plan_json(p),
        },
    ]
}

// ---------------------------------------------------------------------------
// Charts.
// ---------------------------------------------------------------------------

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Points (x, y), x ascending.
    pub points: Vec<(f64, f64)>,
}

/// A horizontal reference line (capacity, plan).
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// Legend label.
    pub label: String,
    /// y.
    pub y: f64,
}

/// A line chart's data, already in display units.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Caption.
    pub title: String,
    /// x axis label.
    pub x_label: String,
    /// y axis label.
    pub y_label: String,
    /// x range.
    pub x_max: f64,
    /// y range (from 0).
    pub y_max: f64,
    /// Lines.
    pub series: Vec<Series>,
    /// Horizontal reference lines.
    pub levels: Vec<Level>,
    /// The plan's point.
    pub marker: Option<(f64, f64)>,
}

/// Points per sampled line.
pub const SAMPLES: usize = 80;

fn y_max_of(series: &[Series], levels: &[Level], marker: Option<(f64, f64)>) -> f64 {
    let m = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .chain(levels.iter().map(|l| l.y))
        .chain(marker.map(|m| m.1))
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    // Room above the data for the legend (drawn in the upper left).
    if m > 0.0 {
        m * 1.6
    } else {
        1.0
    }
}

fn sample(x_max: f64, f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    (0..=SAMPLES)
        .map(|i| {
            let x = x_max * i as f64 / SAMPLES as f64;
            (x, f(x))
        })
        .collect()
}

/// Bytes one partition replica holds in steady state at `avg_mb_per_s`
/// (the shorter of time and size retention), from the plan's inputs.
fn steady_per_partition(p: &Plan, avg_mb_per_s: f64) -> f64 {
    let i = &p.inputs;
    let by_time = i.retention_hours.map(|h| {
        model::disk_bytes_for_time(avg_mb_per_s, h, 1, i.compression_ratio, 0.0)
            / f64::from(p.partitions)
    });
    match (by_time, i.retention_bytes_per_partition) {
        (Some(t), Some(b)) => t.min(b as f64),
        (Some(t), None) => t,
        (None, Some(b)) => b as f64,
        (None, None) => 0.0,
    }
}

fn cluster_disk_bytes(p: &Plan) -> Option<f64> {
    p.inputs
        .broker_disk_gb
        .map(|g| g * model::GB * f64::from(p.brokers))
}

/// Disk used over time since the topic was created, at the plan's average
/// ingress: it grows until the retention window is full, then stays flat.
pub fn disk_over_retention(p: &Plan) -> LineChart {
    let i = &p.inputs;
    let rf = i.replication_factor;
    let hours = p.effective_retention_hours;
    let x_max = if hours > 0.0 { hours * 1.5 } else { 1.0 };
    let plateau = p.retention_bytes_per_partition as f64 * f64::from(p.partitions) * f64::from(rf);
    let top = plateau
        .max(p.disk_bytes_total as f64)
        .max(cluster_disk_bytes(p).unwrap_or(0.0));
    let (unit, per) = byte_unit(top);
    let used = sample(x_max, |t| {
        model::disk_bytes_for_time(p.design_average_mb_per_s, t, rf, i.compression_ratio, 0.0)
            .min(plateau)
            / per
    });
    let mut levels = vec![Level {
        label: format!(
            "planned disk incl. {} % headroom",
            fmt_plain(i.headroom * 100.0, 1)
        ),
        y: p.disk_bytes_total as f64 / per,
    }];
    if let Some(c) = cluster_disk_bytes(p) {
        levels.push(Level {
            label: format!("disk of {} brokers", p.brokers),
            y: c / per,
        });
    }
    let series = vec![Series {
        label: format!("stored, all {rf} replicas"),
        points: used,
    }];
    let marker = Some((hours, plateau / per));
    LineChart {
        title: "Disk over the retention window".into(),
        x_label: "hours since the topic was created".into(),
        y_label: unit.into(),
        x_max,
        y_max: y_max_of(&series, &levels, marker),
        series,
        levels,
        marker,
    }
}

/// Steady-state disk (headroom included) at each month of the growth horizon.
pub fn disk_over_horizon(p: &Plan) -> LineChart {
    let i = &p.inputs;
    let x_max = i.horizon_months.max(12.0);
    let rf = f64::from(i.replication_factor);
    let parts = f64::from(p.partitions);
    let at = |m: f64| {
        let avg = i.ingress_mb_per_s * model::growth_multiplier(i.annual_growth, m);
        steady_per_partition(p, avg) * parts * rf * (1.0 + i.headroom)
    };
    let top = at(x_max)
        .max(p.disk_bytes_total as f64)
        .max(cluster_disk_bytes(p).unwrap_or(0.0));
    let (unit, per) = byte_unit(top);
    let series = vec![Series {
        label: format!(
            "disk needed, +{} %/year",
            fmt_plain(i.annual_growth * 100.0, 1)
        ),
        points: sample(x_max, |m| at(m) / per),
    }];
    let mut levels = Vec::new();
    if let Some(c) = cluster_disk_bytes(p) {
        levels.push(Level {
            label: format!("disk of {} brokers", p.brokers),
            y: c / per,
        });
    }
    let marker = Some((i.horizon_months, p.disk_bytes_total as f64 / per));
    LineChart {
        title: "Disk over the growth horizon".into(),
        x_label: "months from now".into(),
        y_label: unit.into(),
        x_max,
        y_max: y_max_of(&series, &levels, marker),
        series,
        levels,
        marker,
    }
}

/// Partitions needed as the peak ingress varies (the plan's other inputs fixed).
pub fn partitions_vs_throughput(p: &Plan) -> LineChart {
    let i = &p.inputs;
    let x_max = (p.design_peak_mb_per_s * 2.0).max(1.0);
    let needed = |t: f64| {
        model::partitions_raw(
            t,
            i.producer_mb_per_s_per_partition,
            i.consumer_mb_per_s_per_partition,
            i.peak_consumers,
        )
        .ceil()
    };
    let b = f64::from(p.brokers);
    let series = vec![
        Series {
            label: "needed: max(t/p, t/c, 2 × peak consumers)".into(),
            points: sample(x_max, needed),
        },
        Series {
            label: format!("rounded up to a multiple of {} brokers", p.brokers),
            points: sample(x_max, |t| (needed(t) / b).ceil() * b),
        },
    ];
    let marker = Some((p.design_peak_mb_per_s, f64::from(p.partitions)));
    LineChart {
        title: "Partitions needed vs throughput".into(),
        x_label: "peak ingress t (MB/s)".into(),
        y_label: "partitions".into(),
        x_max,
        y_max: y_max_of(&series, &[], marker),
        series,
        levels: Vec::new(),
        marker,
    }
}

/// Network in and out of each broker as the peak ingress varies, against the NIC.
pub fn network_vs_nic(p: &Plan) -> LineChart {
    let i = &p.inputs;
    let x_max = (p.design_peak_mb_per_s * 2.0).max(1.0);
    let r = i.compression_ratio;
    let rf = i.replication_factor;
    let series = vec![
        Series {
            label: "in per broker: t ÷ r × RF ÷ brokers".into(),
            points: sample(x_max, |t| {
                model::network_in_per_broker(t / r, rf, p.brokers)
            }),
        },
        Series {
            label: "out per broker: t ÷ r × (groups + RF − 1) ÷ brokers".into(),
            points: sample(x_max, |t| {
                model::network_out_per_broker(t / r, i.consumer_groups, rf, p.brokers)
            }),
        },
    ];
    let mut levels = Vec::new();
    if let Some(g) = i.broker_nic_gbit_per_s {
        levels.push(Level {
            label: format!("NIC line rate {} Gbit/s", fmt_plain(g, 2)),
            y: g * model::MB_PER_S_PER_GBIT,
        });
        levels.push(Level {
            label: format!(
                "usable at {} %",
                fmt_plain(i.nic_target_utilisation * 100.0, 1)
            ),
            y: model::nic_usable_mb_per_s(g, i.nic_target_utilisation),
        });
    }
    let marker = Some((
        p.design_peak_mb_per_s,
        p.broker_network_in_mb_per_s
            .max(p.broker_network_out_mb_per_s),
    ));
    LineChart {
        title: format!("Network per broker ({} brokers) vs the NIC", p.brokers),
        x_label: "peak ingress t (MB/s, uncompressed)".into(),
        y_label: "MB/s per broker".into(),
        x_max,
        y_max: y_max_of(&series, &levels, marker),
        series,
        levels,
        marker,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> (PlannerForm, Vec<String>) {
        PlannerForm::from_query(pairs.iter().copied())
    }

    fn planned(pairs: &[(&str, &str)]) -> Plan {
        let (f, problems) = form(pairs);
        let o = f.evaluate(&problems);
        match o.plan {
            Some(p) => p,
            None => panic!("no plan: {o:?}"),
        }
    }

    #[test]
    fn field_keys_and_names_are_unique_and_known_to_the_engine() {
        let keys: Vec<_> = all_fields().map(|f| f.key).collect();
        let mut dedup = keys.clone();
        kplay_engine::sort::sort(&mut dedup);
        dedup.dedup();
        assert_eq!(keys.len(), dedup.len());
        // Every field reaches PlanInput: setting it changes the input.
        for f in all_fields() {
            let v = match f.kind {
                Kind::Number => "7",
                _ => "x",
            };
            let (input, errs) = PlannerForm::default().with(f.key, v).to_input();
            assert!(errs.is_empty());
            assert_ne!(input, PlanInput::default(), "{} is not wired", f.key);
        }
    }

    #[test]
    fn empty_query_is_the_default_preset_and_query_round_trips() {
        let (f, p) = form(&[]);
        assert!(p.is_empty());
        assert_eq!(f, default_preset().form());
        let q = f.to_query();
        let (back, p2) = PlannerForm::from_query(q.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert!(p2.is_empty());
        assert_eq!(back, f);
    }

    #[test]
    fn cleared_form_keeps_required_keys_and_explains_them() {
        let q = PlannerForm::cleared().to_query();
        assert_eq!(q.len(), 3);
        let (f, p) = PlannerForm::from_query(q.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert_ne!(f, default_preset().form());
        let o = f.evaluate(&p);
        assert!(o.plan.is_none());
        for field in REQUIRED_KEYS {
            assert!(
                o.errors_for(field)
                    .iter()
                    .any(|m| m.starts_with("Required")),
                "{field}: {o:?}"
            );
        }
    }

    #[test]
    fn by_hand_50_mb_s_24_h_rf3_lz4_2x_25_pct_headroom_4_brokers() {
        // 50 × 10^6 B/s × 24 × 3600 s = 4.32e12 B; × 3 = 1.296e13; ÷ 2 = 6.48e12;
        // × 1.25 = 8.1e12 bytes; ÷ 4 brokers = 2.025e12.
        let p = planned(&[
            ("ingress_mb_per_s", "50"),
            ("retention_hours", "24"),
            ("replication_factor", "3"),
            ("compression_codec", "lz4"),
            ("compression_ratio", "2"),
            ("headroom_pct", "25"),
            ("brokers", "4"),
        ]);
        assert_eq!(p.disk_bytes_total, 8_100_000_000_000);
        assert_eq!(p.disk_bytes_per_broker, 2_025_000_000_000);
        assert!((p.inputs.headroom - 0.25).abs() < 1e-12);
        // 50 / 10 = 5 partitions → a multiple of 4 = 8.
        assert_eq!(p.partitions, 8);
        assert_eq!(fmt_bytes(p.disk_bytes_total as f64), "8.1 TB");
    }

    #[test]
    fn presets_plan_and_the_seed_note_states_what_the_inputs_give() {
        for preset in PRESETS {
            let f = preset.form();
            let o = f.evaluate(&[]);
            assert!(o.plan.is_some(), "{}: {o:?}", preset.id);
            assert_eq!(matching_preset(&f).map(|p| p.id), Some(preset.id));
        }
        let seed = PRESETS
            .iter()
            .find(|p| p.id == "seed-60tb")
            .map(Preset::form);
        let p = seed
            .and_then(|f| f.evaluate(&[]).plan)
            .map(|p| p.disk_bytes_total);
        // 1000 MB/s × 604 800 s × 3 = 1.8144e15 bytes, as the note says.
        assert_eq!(p, Some(1_814_400_000_000_000));
        assert_eq!(fmt_bytes(1.8144e15), "1.814 PB");
        let lz4 = PRESETS
            .iter()
            .find(|p| p.id == "seed-60tb-lz4")
            .map(Preset::form);
        let p4 = lz4
            .and_then(|f| f.evaluate(&[]).plan)
            .map(|p| p.disk_bytes_total);
        assert_eq!(p4, Some(453_600_000_000_000));
        let net = PRESETS
            .iter()
            .find(|p| p.id == "network-bound")
            .map(Preset::form);
        let pn = net.and_then(|f| f.evaluate(&[]).plan);
        assert_eq!(
            pn.map(|p| (p.brokers, p.broker_sizing.binding)),
            Some((5, Constraint::Network))
        );
    }

    #[test]
    fn invalid_values_are_explained_on_their_field_and_never_clamped() {
        let (f, p) = form(&[
            ("ingress_mb_per_s", "-5"),
            ("retention_hours", "24"),
            ("replication_factor", "0"),
            ("headroom_pct", "abc"),
        ]);
        let o = f.evaluate(&p);
        assert!(o.plan.is_none());
        assert!(o.errors_for("ingress_mb_per_s")[0].contains("greater than 0"));
        assert!(o.errors_for("replication_factor")[0].contains("at least 1"));
        assert!(o.errors_for("headroom")[0].contains("not a number"));
        assert!(o.banner().is_some_and(|b| b.contains("3 inputs")));
        // A percentage above its bound names the fraction the engine saw.
        let (f, p) = form(&[
            ("ingress_mb_per_s", "5"),
            ("retention_hours", "24"),
            ("replication_factor", "3"),
            ("nic_target_utilisation_pct", "150"),
        ]);
        let m = f.evaluate(&p).errors_for("nic_target_utilisation");
        assert!(m[0].contains("at most 1") && m[0].contains("1.5"), "{m:?}");
    }

    #[test]
    fn rf_above_brokers_and_conflicts_mark_both_fields() {
        let (f, p) = form(&[
            ("ingress_mb_per_s", "5"),
            ("records_per_s", "100"),
            ("avg_record_bytes", "100"),
            ("retention_hours", "24"),
            ("replication_factor", "3"),
            ("brokers", "2"),
        ]);
        let o = f.evaluate(&p);
        assert!(o.errors_for("brokers")[0].contains("larger than available brokers: 2"));
        assert!(o.errors_for("replication_factor")[0].contains("Replication factor: 3"));
        assert!(o.errors_for("records_per_s")[0].contains("Conflicts with ingress_mb_per_s"));
        assert!(o.errors_for("ingress_mb_per_s")[0].contains("Conflicts with records_per_s"));
    }

    #[test]
    fn unknown_or_repeated_query_fields_block_the_plan() {
        let (f, p) = form(&[
            ("ingress_mb_per_s", "5"),
            ("retention_hours", "24"),
            ("replication_factor", "3"),
            ("headroom_pc", "25"),
        ]);
        assert_eq!(p.len(), 1);
        let o = f.evaluate(&p);
        assert!(o.plan.is_none());
        assert!(o.banner().is_some_and(|b| b.contains("headroom_pc")));
        let (_, p) = form(&[("replication_factor", "3"), ("replication_factor", "2")]);
        assert!(p[0].contains("twice"));
    }

    #[test]
    fn sliders_map_positions_to_values_and_back() {
        let s = Slider {
            min: -1.0,
            max: 5.0,
            step: 0.01,
            scale: Scale::Log10,
        };
        assert_eq!(slider_value(&s, 3.0), "1000");
        assert_eq!(slider_value(&s, 1.5), "31.6");
        assert_eq!(slider_position(&s, "100"), Some(2.0));
        assert_eq!(slider_position(&s, "-3"), None);
        assert_eq!(slider_position(&s, "abc"), None);
        let l = Slider {
            min: 0.0,
            max: 10.0,
            step: 0.1,
            scale: Scale::Linear,
        };
        assert_eq!(slider_value(&l, 2.3000000000000003), "2.3");
    }

    #[test]
    fn formatting() {
        assert_eq!(fmt_grouped(1_814_400_000_000_000), "1,814,400,000,000,000");
        assert_eq!(fmt_grouped(12), "12");
        assert_eq!(fmt_plain(37.5, 3), "37.5");
        assert_eq!(fmt_plain(-0.0001, 2), "0");
        assert_eq!(fmt_bytes(2.025e12), "2.025 TB");
        assert_eq!(fmt_bytes(999.0), "999 bytes");
        assert_eq!(
            fmt_bytes_detail(8_100_000_000_000),
            "8.1 TB · 7.37 TiB · 8,100,000,000,000 bytes"
        );
    }

    #[test]
    fn charts_agree_with_the_plan() {
        let p = planned(default_preset().values);
        // Retention: the curve reaches the retained bytes (no headroom) at the
        // window's end and stays flat: 8.1e12 ÷ 1.25 = 6.48e12 bytes.
        let c = disk_over_retention(&p);
        assert_eq!(c.y_label, "TB");
        let last = c.series[0].points.last().map(|q| q.1);
        assert!(last.is_some_and(|y| (y - 6.48).abs() < 1e-9), "{last:?}");
        assert!((c.levels[0].y - 8.1).abs() < 1e-9);
        // Growth 0: flat at the planned disk.
        let g = disk_over_horizon(&p);
        assert!(g.series[0].points.iter().all(|q| (q.1 - 8.1).abs() < 1e-9));
        // Partitions: never decrease with throughput; the plan is on the rounded line.
        let pc = partitions_vs_throughput(&p);
        for s in &pc.series {
            assert!(s.points.windows(2).all(|w| w[1].1 >= w[0].1));
        }
        let at_peak = pc.series[1]
            .points
            .iter()
            .find(|q| (q.0 - p.design_peak_mb_per_s).abs() < 1e-9)
            .map(|q| q.1);
        assert_eq!(at_peak, Some(f64::from(p.partitions)));
        // Network: at the design peak the lines give the plan's figures.
        let n = network_vs_nic(&p);
        let find = |s: &Series| {
            s.points
                .iter()
                .find(|q| (q.0 - p.design_peak_mb_per_s).abs() < 1e-9)
                .map(|q| q.1)
        };
        assert_eq!(find(&n.series[0]), Some(p.broker_network_in_mb_per_s));
        assert_eq!(find(&n.series[1]), Some(p.broker_network_out_mb_per_s));
        // Growing preset: the horizon curve rises and ends at the planned disk.
        let grow = PRESETS.iter().find(|x| x.id == "growth").map(Preset::form);
        let Some(gp) = grow.and_then(|f| f.evaluate(&[]).plan) else {
            panic!("growth preset has no plan");
        };
        let c = disk_over_horizon(&gp);
        let pts = &c.series[0].points;
        assert!(pts.windows(2).all(|w| w[1].1 > w[0].1));
        let per = UNITS
            .iter()
            .find(|u| u.0 == c.y_label)
            .map_or(f64::NAN, |u| u.1);
        let end = pts.last().map(|q| q.1 * per);
        let want = gp.disk_bytes_total as f64;
        assert!(
            end.is_some_and(|y| (y - want).abs() / want < 1e-9),
            "{end:?} vs {want}"
        );
    }
}
