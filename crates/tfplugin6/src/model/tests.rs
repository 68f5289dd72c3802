use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::*;
use crate::value::{Number, Type, Value};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Pair {
    role_id: Attr<i64>,
    workspace_id: Attr<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Inner {
    label: Attr<String>,
    tags: Attr<Vec<Attr<String>>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Model {
    id: Attr<String>,
    count: Attr<i64>,
    ratio: Attr<f64>,
    big: Attr<Number>,
    enabled: Attr<bool>,
    #[serde(rename = "type")]
    kind: Attr<String>,
    pairs: Attr<Set<Pair>>,
    inner: Attr<Inner>,
    list: Attr<Vec<Inner>>,
    labels: Attr<BTreeMap<String, Attr<String>>>,
}

fn model_type() -> Type {
    let inner = Type::object([("label", Type::String), ("tags", Type::list(Type::String))]);
    Type::object([
        ("id", Type::String),
        ("count", Type::Number),
        ("ratio", Type::Number),
        ("big", Type::Number),
        ("enabled", Type::Bool),
        ("type", Type::String),
        (
            "pairs",
            Type::set(Type::object([
                ("role_id", Type::Number),
                ("workspace_id", Type::Number),
            ])),
        ),
        ("inner", inner.clone()),
        ("list", Type::list(inner)),
        ("labels", Type::map(Type::String)),
    ])
}

fn full() -> Value {
    Value::object([
        ("id", Value::string("7")),
        ("count", Value::int(-3)),
        ("ratio", Value::float(0.25)),
        (
            "big",
            Value::Number(Number::parse("18446744073709551615").unwrap()),
        ),
        ("enabled", Value::bool(true)),
        ("type", Value::string("custom")),
        (
            "pairs",
            Value::set_of([
                Value::object([
                    ("role_id", Value::int(101)),
                    ("workspace_id", Value::int(0)),
                ]),
                Value::object([("role_id", Value::int(2)), ("workspace_id", Value::int(1))]),
            ]),
        ),
        (
            "inner",
            Value::object([
                ("label", Value::string("a")),
                ("tags", Value::list([Value::string("x"), Value::Null])),
            ]),
        ),
        (
            "list",
            Value::list([Value::object([
                ("label", Value::Null),
                ("tags", Value::Null),
            ])]),
        ),
        ("labels", Value::map([("k", Value::string("v"))])),
    ])
}

#[test]
fn round_trip_of_every_shape() {
    let v = full();
    let m: Model = from_value(&v).unwrap();
    assert_eq!(m.id.as_str(), Some("7"));
    assert_eq!(m.count, Attr::Known(-3));
    assert_eq!(m.ratio, Attr::Known(0.25));
    assert_eq!(m.kind.as_str(), Some("custom"));
    assert_eq!(m.pairs.known().map(|s| s.0.len()), Some(2));
    assert_eq!(
        m.inner.known().unwrap().tags,
        Attr::Known(vec![Attr::Known("x".to_string()), Attr::Null])
    );
    assert_eq!(to_value(&m).unwrap(), v);
    assert!(check_model::<Model>(&model_type(), true).is_ok());
}

#[test]
fn null_and_unknown_at_any_depth() {
    let mut v = full();
    v.set_attr("id", Value::Null);
    v.set_attr("count", Value::Unknown);
    v.set_attr(
        "pairs",
        Value::set_of([Value::object([
            ("role_id", Value::Unknown),
            ("workspace_id", Value::int(0)),
        ])]),
    );
    v.set_attr(
        "inner",
        Value::object([
            ("label", Value::Unknown),
            ("tags", Value::list([Value::Unknown])),
        ]),
    );
    v.set_attr("labels", Value::Unknown);
    let m: Model = from_value(&v).unwrap();
    assert!(m.id.is_null());
    assert!(m.count.is_unknown());
    assert!(m.labels.is_unknown());
    let pair = &m.pairs.known().unwrap().0[0];
    assert!(pair.role_id.is_unknown());
    assert_eq!(pair.workspace_id, Attr::Known(0));
    assert_eq!(
        m.inner.known().unwrap().tags,
        Attr::Known(vec![Attr::Unknown])
    );
    assert_eq!(to_value(&m).unwrap(), v);

    let all_null = Value::Object(
        full()
            .as_map()
            .unwrap()
            .keys()
            .map(|k| (k.clone(), Value::Null))
            .collect(),
    );
    let m: Model = from_value(&all_null).unwrap();
    assert_eq!(m, Model::default());
    assert_eq!(to_value(&Model::default()).unwrap(), all_null);
}

#[test]
fn a_typo_is_an_error_naming_it() {
    #[derive(Debug, Serialize, Deserialize)]
    struct Typo {
        id: Attr<String>,
        emial: Attr<String>,
    }
    let v = Value::object([("id", Value::Null), ("email", Value::string("a@b.c"))]);
    let e = from_value::<Typo>(&v).unwrap_err().to_string();
    assert!(e.contains("`email`"), "{e}");
    // The other way round: a field the value lacks.
    let v = Value::object([("id", Value::Null)]);
    let e = from_value::<Typo>(&v).unwrap_err().to_string();
    assert!(e.contains("`emial`"), "{e}");
    // Nested: the error says where.
    let mut v = full();
    v.set_attr(
        "pairs",
        Value::set_of([Value::object([
            ("role_id", Value::int(1)),
            ("workspaceid", Value::int(0)),
        ])]),
    );
    let e = from_value::<Model>(&v).unwrap_err();
    assert_eq!(e.path(), "pairs[0]");
    assert!(e.message().contains("`workspaceid`"), "{e}");
}

#[test]
fn shapes_must_match() {
    // A list where the model wants a set, and the other way round.
    let mut v = full();
    v.set_attr("pairs", Value::list([]));
    assert!(from_value::<Model>(&v).is_err());
    let mut v = full();
    v.set_attr("list", Value::set_of([]));
    let e = from_value::<Model>(&v).unwrap_err().to_string();
    assert!(e.contains("use `Set<_>`"), "{e}");
    // A string where the model wants a number.
    let mut v = full();
    v.set_attr("count", Value::string("3"));
    let e = from_value::<Model>(&v).unwrap_err();
    assert_eq!(e.path(), "count");
    // An unknown where the model has no Attr.
    #[derive(Debug, Deserialize)]
    struct Plain {
        #[allow(dead_code)]
        id: String,
    }
    let e = from_value::<Plain>(&Value::object([("id", Value::Unknown)])).unwrap_err();
    assert!(e.to_string().contains("unknown"), "{e}");
    // check_model names the mismatch.
    #[derive(Debug, Serialize, Deserialize)]
    struct Short {
        id: Attr<String>,
    }
    let e = check_model::<Short>(&model_type(), true).unwrap_err();
    assert!(e.contains("is not a field of the model"), "{e}");
}

#[test]
fn numbers_as_the_value_holds_them() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Numbers {
        int: i64,
        small: u32,
        float: f64,
        huge: u64,
        exact: Number,
        precise: Number,
    }
    let v = Value::object([
        ("int", Value::int(i64::MIN)),
        ("small", Value::int(7)),
        ("float", Value::float(1.5)),
        ("huge", Value::Number(Number::from_u64(u64::MAX))),
        (
            "exact",
            Value::Number(Number::parse("123456789012345678901234567890").unwrap()),
        ),
        (
            "precise",
            Value::Number(Number::parse("0.12345678901234567890123").unwrap()),
        ),
    ]);
    let n: Numbers = from_value(&v).unwrap();
    assert_eq!(n.int, i64::MIN);
    assert_eq!(n.huge, u64::MAX);
    assert_eq!(n.exact.to_string(), "123456789012345678901234567890");
    assert_eq!(n.precise.to_string(), "0.12345678901234567890123");
    assert_eq!(to_value(&n).unwrap(), v);
    // Out of range, or not whole.
    let e = from_value::<Numbers>(&v.clone().with_attr("small", Value::int(-1))).unwrap_err();
    assert_eq!(e.path(), "small");
    assert!(from_value::<Numbers>(&v.clone().with_attr("int", Value::float(0.5))).is_err());
    assert!(to_value(&f64::NAN).is_err());
}

#[test]
fn sets_compare_without_order_and_drop_duplicates() {
    assert_eq!(Set(vec![1, 2]), Set(vec![2, 1]));
    assert_eq!(
        to_value(&Set(vec!["a", "a", "b"])).unwrap(),
        Value::set_of([Value::string("a"), Value::string("b")])
    );
}

#[test]
fn other_formats_see_plain_options() {
    let m = Model {
        id: Attr::Known("7".to_string()),
        count: Attr::Unknown,
        ..Model::default()
    };
    let j = serde_json::to_value(&m).unwrap();
    assert_eq!(j["id"], "7");
    assert!(j["count"].is_null());
    let back: Model = serde_json::from_value(j).unwrap();
    assert_eq!(back.id, m.id);
    assert!(back.count.is_null());
}

#[test]
fn unfit_is_the_one_diagnostic_for_a_model_that_does_not_fit() {
    let err = from_value::<String>(&Value::Bool(true)).unwrap_err();
    let d = unfit("prior state of example_widget", &err);
    assert_eq!(d.severity, crate::Severity::Error);
    assert_eq!(
        d.summary,
        "Internal error: the model does not fit the schema"
    );
    assert_eq!(
        d.detail,
        format!(
            "The prior state of example_widget could not be converted ({err}). This is a bug in \
             the provider; please report it."
        )
    );
}
