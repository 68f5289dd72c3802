//! The codecs against hand-made bytes, malformed input and round trips.

use super::shared::MAX_DEPTH;
use super::*;

fn user_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("count", Type::Number),
        ("enabled", Type::Bool),
        (
            "roles",
            Type::set(Type::object([
                ("role_id", Type::Number),
                ("workspace_id", Type::Number),
            ])),
        ),
        ("tags", Type::map(Type::String)),
        ("list", Type::list(Type::String)),
    ])
}

/// Hand-made: an object with six attributes, keys in sorted order.
/// {"count": 7, "enabled": true, "id": unknown,
///  "list": ["a", unknown], "roles": [{"role_id": 1, "workspace_id": unknown}],
///  "tags": nil}
const USER_MSGPACK: &[u8] = &[
    0x86, // map of 6
    0xa5, b'c', b'o', b'u', b'n', b't', 0x07, //
    0xa7, b'e', b'n', b'a', b'b', b'l', b'e', b'd', 0xc3, //
    0xa2, b'i', b'd', 0xd4, 0x00, 0x00, //
    0xa4, b'l', b'i', b's', b't', 0x92, 0xa1, b'a', 0xd4, 0x00, 0x00, //
    0xa5, b'r', b'o', b'l', b'e', b's', 0x91, 0x82, //
    0xa7, b'r', b'o', b'l', b'e', b'_', b'i', b'd', 0x01, //
    0xac, b'w', b'o', b'r', b'k', b's', b'p', b'a', b'c', b'e', b'_', b'i', b'd', 0xd4, 0x00,
    0x00, //
    0xa4, b't', b'a', b'g', b's', 0xc0,
];

fn user_value() -> Value {
    Value::object([
        ("count", Value::int(7)),
        ("enabled", Value::bool(true)),
        ("id", Value::Unknown),
        ("list", Value::list([Value::string("a"), Value::Unknown])),
        (
            "roles",
            Value::set_of([Value::object([
                ("role_id", Value::int(1)),
                ("workspace_id", Value::Unknown),
            ])]),
        ),
        ("tags", Value::Null),
    ])
}

#[test]
fn decodes_hand_made_object_with_unknowns_at_depth() {
    let v = Value::from_msgpack(USER_MSGPACK, &user_type()).unwrap();
    assert_eq!(v, user_value());
    assert!(!v.get("id").is_known());
    let role = &v.get("roles").as_slice().unwrap()[0];
    assert!(!role.get("workspace_id").is_known());
    assert_eq!(role.get("role_id").as_i64(), Some(1));
    assert!(v.get("tags").is_null());
}

#[test]
fn encodes_to_the_same_bytes() {
    assert_eq!(user_value().to_msgpack(&user_type()).unwrap(), USER_MSGPACK);
}

#[test]
fn whole_value_null_and_unknown() {
    assert_eq!(
        Value::from_msgpack(&[0xc0], &user_type()).unwrap(),
        Value::Null
    );
    assert_eq!(
        Value::from_msgpack(&[0xd4, 0x00, 0x00], &user_type()).unwrap(),
        Value::Unknown
    );
    assert_eq!(Value::Null.to_msgpack(&user_type()).unwrap(), vec![0xc0]);
    assert_eq!(
        Value::Unknown.to_msgpack(&Type::String).unwrap(),
        vec![0xd4, 0x00, 0x00]
    );
}

#[test]
fn unknown_in_any_extension_width_with_refinement_payload() {
    // fixext1..16 and ext8 carrying a refinement map; all type 0.
    let cases: Vec<Vec<u8>> = vec![
        vec![0xd4, 0x00, 0x00],
        vec![0xd5, 0x00, 0x81, 0x01],
        vec![0xd6, 0x00, 0x81, 0x01, 0xc3, 0x00],
        vec![0xd7, 0x00, 0, 0, 0, 0, 0, 0, 0, 0],
        vec![0xd8, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        vec![0xc7, 0x03, 0x00, 0x81, 0x01, 0xc2],
        vec![0xc8, 0x00, 0x01, 0x00, 0xc0],
        // Refined unknowns (type 12); the payload (a map of
        // refinements) is skipped without being parsed.
        vec![0xd5, 0x0c, 0x81, 0x01],
        vec![
            0xc7, 0x0b, 0x0c, 0x82, 0x01, 0xc2, 0x03, 0xa6, b'a', b'f', b't', b'e', b'r', b'-',
        ],
    ];
    for c in cases {
        assert_eq!(
            Value::from_msgpack(&c, &Type::String).unwrap(),
            Value::Unknown,
            "{c:02x?}"
        );
    }
    assert!(Value::from_msgpack(&[0xd4, 0x05, 0x00], &Type::String).is_err());
}

#[test]
fn numbers_in_every_width() {
    let cases: Vec<(Vec<u8>, Value)> = vec![
        (vec![0x05], Value::int(5)),
        (vec![0xff], Value::int(-1)),
        (vec![0xe0], Value::int(-32)),
        (vec![0xcc, 0xc8], Value::int(200)),
        (vec![0xcd, 0x01, 0x00], Value::int(256)),
        (vec![0xce, 0x00, 0x01, 0x00, 0x00], Value::int(65536)),
        (
            vec![0xcf, 0, 0, 0, 1, 0, 0, 0, 0],
            Value::int(4_294_967_296),
        ),
        (vec![0xd0, 0x80], Value::int(-128)),
        (vec![0xd1, 0xff, 0x00], Value::int(-256)),
        (vec![0xd2, 0xff, 0xff, 0x00, 0x00], Value::int(-65536)),
        (
            vec![0xd3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
            Value::int(-4_294_967_296),
        ),
        (vec![0xca, 0x3f, 0xc0, 0x00, 0x00], Value::float(1.5)),
        (
            vec![0xcb, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18],
            Value::float(std::f64::consts::PI),
        ),
        (vec![0xcb, 0x40, 0x45, 0, 0, 0, 0, 0, 0], Value::int(42)),
        (vec![0xa3, b'1', b'.', b'5'], Value::float(1.5)),
    ];
    // cty sends a fraction that f64 cannot hold exactly as its decimal
    // text; it must go back unchanged, or Terraform sees another value.
    let precise = "0.12345678901234567890123";
    let mut text = vec![0xa0 | precise.len() as u8];
    text.extend(precise.as_bytes());
    let v = Value::from_msgpack(&text, &Type::Number).unwrap();
    assert_eq!(v.to_msgpack(&Type::Number).unwrap(), text);
    for (bytes, want) in cases {
        assert_eq!(
            Value::from_msgpack(&bytes, &Type::Number).unwrap(),
            want,
            "{bytes:02x?}"
        );
    }
    let big = Value::from_msgpack(
        &[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        &Type::Number,
    )
    .unwrap();
    assert_eq!(big.as_number().unwrap().to_string(), "18446744073709551615");
    // Large unsigned numbers go back out exactly, as decimal text.
    assert_eq!(big.to_msgpack(&Type::Number).unwrap()[0], 0xb4);
    // Integers are written in their smallest form.
    assert_eq!(
        Value::int(-1).to_msgpack(&Type::Number).unwrap(),
        vec![0xff]
    );
    assert_eq!(
        Value::int(300).to_msgpack(&Type::Number).unwrap(),
        vec![0xd1, 0x01, 0x2c]
    );
    assert_eq!(
        Value::int(i64::MIN).to_msgpack(&Type::Number).unwrap()[0],
        0xd3
    );
    assert_eq!(
        Value::float(0.5).to_msgpack(&Type::Number).unwrap(),
        vec![0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0]
    );
}

#[test]
fn strings_in_every_width() {
    let long = "x".repeat(300);
    let mut str16 = vec![0xda, 0x01, 0x2c];
    str16.extend(long.as_bytes());
    assert_eq!(
        Value::from_msgpack(&str16, &Type::String).unwrap(),
        Value::string(long.clone())
    );
    assert_eq!(
        Value::string(long.clone())
            .to_msgpack(&Type::String)
            .unwrap(),
        str16
    );
    let mut str8 = vec![0xd9, 0x20];
    str8.extend([b'y'; 32]);
    assert_eq!(
        Value::from_msgpack(&str8, &Type::String).unwrap(),
        Value::string("y".repeat(32))
    );
    let mut str32 = vec![0xdb, 0, 0, 0, 2];
    str32.extend(b"hi");
    assert_eq!(
        Value::from_msgpack(&str32, &Type::String).unwrap(),
        Value::string("hi")
    );
}

#[test]
fn dynamic_values_carry_their_type() {
    // [bin "\"string\"", "hi"]
    let bytes = [
        0x92, 0xc4, 0x08, b'"', b's', b't', b'r', b'i', b'n', b'g', b'"', 0xa2, b'h', b'i',
    ];
    let v = Value::from_msgpack(&bytes, &Type::Dynamic).unwrap();
    assert_eq!(v, Value::string("hi"));
    assert_eq!(v.to_msgpack(&Type::Dynamic).unwrap(), bytes);
    // Nil and unknown need no wrapper.
    assert_eq!(
        Value::from_msgpack(&[0xc0], &Type::Dynamic).unwrap(),
        Value::Null
    );
    assert_eq!(
        Value::from_msgpack(&[0xd4, 0, 0], &Type::Dynamic).unwrap(),
        Value::Unknown
    );
    // The type may also arrive as a str.
    let as_str = [
        0x92, 0xa8, b'"', b'n', b'u', b'm', b'b', b'e', b'r', b'"', 0x2a,
    ];
    assert_eq!(
        Value::from_msgpack(&as_str, &Type::Dynamic).unwrap(),
        Value::int(42)
    );
    let obj = Type::object([("d", Type::Dynamic)]);
    let v = Value::object([("d", Value::list([Value::bool(true)]))]);
    let round = Value::from_msgpack(&v.to_msgpack(&obj).unwrap(), &obj).unwrap();
    assert_eq!(round, v);
}

#[test]
fn set_elements_holding_unknowns_are_never_merged() {
    // cty keeps both: two unknowns may turn out different. Merging them
    // would make the plan disagree with the configuration's count.
    let strings = Type::set(Type::String);
    let two_unknowns = Value::Set(vec![Value::Unknown, Value::Unknown]);
    let bytes = two_unknowns.to_msgpack(&strings).unwrap();
    assert_eq!(bytes, [0x92, 0xd4, 0x00, 0x00, 0xd4, 0x00, 0x00]);
    assert_eq!(
        Value::from_msgpack(&bytes, &strings)
            .unwrap()
            .as_slice()
            .map(<[Value]>::len),
        Some(2)
    );
    let obj = Type::set(Type::object([
        ("role_id", Type::Number),
        ("workspace_id", Type::Number),
    ]));
    let partly_unknown =
        Value::object([("role_id", Value::Unknown), ("workspace_id", Value::int(0))]);
    let set = Value::Set(vec![partly_unknown.clone(), partly_unknown]);
    let back = Value::from_msgpack(&set.to_msgpack(&obj).unwrap(), &obj).unwrap();
    assert_eq!(back.as_slice().map(<[Value]>::len), Some(2));
    // Wholly known duplicates still go, in msgpack and in JSON.
    let dup = Value::Set(vec![Value::string("a"), Value::string("a")]);
    assert_eq!(dup.to_msgpack(&strings).unwrap(), [0x91, 0xa1, b'a']);
    assert_eq!(dup.to_json(&strings).unwrap(), br#"["a"]"#);
    assert_eq!(
        Value::set_of([Value::Unknown, Value::Unknown, Value::int(1), Value::int(1)])
            .as_slice()
            .map(<[Value]>::len),
        Some(3)
    );
}

#[test]
fn collection_widths() {
    // array16 of 16 ints, map16 of 16 entries.
    let mut arr = vec![0xdc, 0x00, 0x10];
    arr.extend(0u8..16);
    let v = Value::from_msgpack(&arr, &Type::list(Type::Number)).unwrap();
    assert_eq!(v.as_slice().unwrap().len(), 16);
    assert_eq!(v.to_msgpack(&Type::list(Type::Number)).unwrap(), arr);
    let mut map = vec![0xde, 0x00, 0x10];
    for i in 0..16u8 {
        map.extend([0xa2, b'k', b'a' + i, 0xc2]);
    }
    let v = Value::from_msgpack(&map, &Type::map(Type::Bool)).unwrap();
    assert_eq!(v.get("kp"), &Value::bool(false));
    assert_eq!(v.to_msgpack(&Type::map(Type::Bool)).unwrap(), map);
    let arr32 = [0xdd, 0, 0, 0, 1, 0xc3];
    assert_eq!(
        Value::from_msgpack(&arr32, &Type::set(Type::Bool)).unwrap(),
        Value::set_of([Value::bool(true)])
    );
    let map32 = [0xdf, 0, 0, 0, 1, 0xa1, b'a', 0x01];
    assert_eq!(
        Value::from_msgpack(&map32, &Type::map(Type::Number)).unwrap(),
        Value::map([("a", Value::int(1))])
    );
}

#[test]
fn missing_object_attributes_decode_as_null() {
    let ty = Type::object([("a", Type::String), ("b", Type::String)]);
    let v = Value::from_msgpack(&[0x81, 0xa1, b'a', 0xa1, b'x'], &ty).unwrap();
    assert_eq!(
        v,
        Value::object([("a", Value::string("x")), ("b", Value::Null)])
    );
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    let ty = user_type();
    let cases: Vec<&[u8]> = vec![
        &[],
        &[0xc1],
        &[0x86],
        &[0xa5, b'a'],
        &[0xdd, 0xff, 0xff, 0xff, 0xff],
        &[0xdf, 0xff, 0xff, 0xff, 0xff, 0xc0],
        &[0xdb, 0xff, 0xff, 0xff, 0xff],
        &[0xc9, 0xff, 0xff, 0xff, 0xff, 0x00],
        &[0xcb, 0x00],
        &[0x81, 0x01, 0x02],
        &[0x81, 0xa3, b'z', b'z', b'z', 0xc0],
        &[0x81, 0xa2, b'i', b'd', 0x01],
        &[0x81, 0xa2, 0xff, 0xfe, 0xc0],
        &[0xc0, 0xc0],
        &[0x92, 0xc4, 0x01, b'?', 0xc0],
    ];
    for c in cases {
        assert!(Value::from_msgpack(c, &ty).is_err(), "{c:02x?}");
    }
    assert!(
        Value::from_msgpack(&[0x92, 0xc4, 0x03, b'"', b'?', b'"', 0xc0], &Type::Dynamic).is_err()
    );
    assert!(Value::from_msgpack(&[0xa1, b'x'], &Type::Number).is_err());
    assert!(Value::from_msgpack(&[0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0], &Type::Number).is_err());
    // Deep nesting is refused rather than overflowing the stack.
    let deep = vec![0x91; 100_000];
    assert!(Value::from_msgpack(&deep, &Type::Dynamic).is_err());
    // Every truncation of a valid message fails cleanly.
    for n in 0..USER_MSGPACK.len() {
        assert!(Value::from_msgpack(&USER_MSGPACK[..n], &ty).is_err());
    }
}

#[test]
fn deep_values_fit_in_a_small_stack() {
    // Nesting up to the limit must work on a 1 MiB stack (tokio's
    // workers have 2 MiB).
    let worker = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(|| {
            let mut ty = Type::String;
            let mut v = Value::string("x");
            for _ in 0..MAX_DEPTH - 1 {
                ty = Type::list(ty);
                v = Value::list([v]);
            }
            let bytes = v.to_msgpack(&ty).unwrap();
            assert_eq!(Value::from_msgpack(&bytes, &ty).unwrap(), v);
            let json = v.to_json(&ty).unwrap();
            assert_eq!(Value::from_json(&json, &ty).unwrap(), v);
            let too_deep = [vec![0x91; MAX_DEPTH + 1], vec![0xc0]].concat();
            assert!(Value::from_msgpack(&too_deep, &Type::Dynamic).is_err());
        })
        .unwrap();
    worker.join().unwrap();
}

#[test]
fn error_names_the_path() {
    let ty = Type::object([(
        "roles",
        Type::list(Type::object([("role_id", Type::Number)])),
    )]);
    let bytes = [
        0x81, 0xa5, b'r', b'o', b'l', b'e', b's', 0x91, 0x81, 0xa7, b'r', b'o', b'l', b'e', b'_',
        b'i', b'd', 0xc3,
    ];
    let err = Value::from_msgpack(&bytes, &ty).unwrap_err();
    assert_eq!(err.path(), ".roles[0].role_id");
}

#[test]
fn encode_refuses_values_not_matching_the_type() {
    assert!(Value::string("x").to_msgpack(&Type::Number).is_err());
    let ty = Type::object([("a", Type::String)]);
    assert!(
        Value::object([("b", Value::string("x"))])
            .to_msgpack(&ty)
            .is_err()
    );
    assert!(
        Value::list([Value::int(1)])
            .to_msgpack(&Type::Tuple(vec![]))
            .is_err()
    );
}

#[test]
fn json_errors_do_not_show_the_value() {
    // Stored state may hold secrets; a decode error names the kind of
    // JSON found, never its content.
    let ty = Type::object([("client_secret", Type::String)]);
    for json in [
        &br#"{"client_secret":{"old":"s3cret-value"}}"#[..],
        br#"["s3cret-value"]"#,
        br#"{"client_secret":["s3cret-value"]}"#,
    ] {
        let err = Value::from_json(json, &ty).unwrap_err().to_string();
        assert!(!err.contains("s3cret"), "{err}");
    }
    let err = Value::from_json(br#"{"v":"s3cret-value"}"#, &Type::Dynamic)
        .unwrap_err()
        .to_string();
    assert!(!err.contains("s3cret"), "{err}");
    assert!(err.contains("object"), "{err}");
}

#[test]
fn json_state_round_trip() {
    let ty = user_type();
    let json = br#"{"id":"u1","count":3,"enabled":false,"roles":[{"role_id":1,"workspace_id":2}],
        "tags":{"a":"b"},"list":null,"removed_attribute":"ignored"}"#;
    let v = Value::from_json(json, &ty).unwrap();
    assert_eq!(v.get("id").as_str(), Some("u1"));
    assert_eq!(v.get("count").as_i64(), Some(3));
    assert!(v.get("list").is_null());
    assert_eq!(
        v.get("roles").as_slice().unwrap()[0]
            .get("workspace_id")
            .as_i64(),
        Some(2)
    );
    let back = v.to_json(&ty).unwrap();
    assert_eq!(Value::from_json(&back, &ty).unwrap(), v);
    assert!(Value::Unknown.to_json(&ty).is_err());
    assert!(Value::from_json(b"{", &ty).is_err());
    assert!(Value::from_json(br#"{"count":"abc"}"#, &ty).is_err());
    // cty's lenient primitive conversions.
    assert_eq!(
        Value::from_json(b"\"12\"", &Type::Number).unwrap(),
        Value::int(12)
    );
    assert_eq!(
        Value::from_json(b"12", &Type::String).unwrap(),
        Value::string("12")
    );
    // Dynamic values in JSON are {"value","type"}.
    let d = Value::from_json(
        br#"{"value":["a"],"type":["list","string"]}"#,
        &Type::Dynamic,
    )
    .unwrap();
    assert_eq!(d, Value::list([Value::string("a")]));
    assert_eq!(
        String::from_utf8(d.to_json(&Type::Dynamic).unwrap()).unwrap(),
        r#"{"type":["list","string"],"value":["a"]}"#
    );
}
