//! Resource identity (protocol 6.9, Terraform 1.12+): a small, versioned object stored beside a
//! managed resource's state that names the remote object. Terraform uses it for `import` blocks
//! with `identity = {...}`, for `terraform query` results, and to notice a provider that swapped
//! one object for another.

use super::proto::tfplugin6 as pb;
use super::value::{Type, Value};

/// The identity schema of a managed resource type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdentitySchema {
    /// Versioned apart from the resource schema; bump it when stored identities of older versions
    /// must be upgraded ([`crate::Resource::upgrade_identity`]).
    pub version: i64,
    pub attributes: Vec<IdentityAttribute>,
}

/// One attribute of an identity.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityAttribute {
    pub name: String,
    /// A primitive type, or a list of one.
    pub ty: Type,
    /// Must be given in an `import` block's `identity`.
    pub required_for_import: bool,
    /// May be given in an `import` block's `identity`.
    pub optional_for_import: bool,
    /// Markdown.
    pub description: String,
}

impl IdentityAttribute {
    /// An attribute an `import` block must give.
    pub fn required(name: impl Into<String>, ty: Type) -> IdentityAttribute {
        IdentityAttribute {
            name: name.into(),
            ty,
            required_for_import: true,
            optional_for_import: false,
            description: String::new(),
        }
    }

    /// An attribute an `import` block may give.
    pub fn optional(name: impl Into<String>, ty: Type) -> IdentityAttribute {
        IdentityAttribute {
            required_for_import: false,
            optional_for_import: true,
            ..IdentityAttribute::required(name, ty)
        }
    }

    /// Sets the (markdown) description.
    pub fn description(mut self, d: impl Into<String>) -> IdentityAttribute {
        self.description = d.into();
        self
    }
}

impl IdentitySchema {
    /// An identity schema of `version` with `attributes`.
    pub fn new(version: i64, attributes: Vec<IdentityAttribute>) -> IdentitySchema {
        IdentitySchema {
            version,
            attributes,
        }
    }

    /// The object type identities of this schema have.
    pub fn value_type(&self) -> Type {
        Type::Object(
            self.attributes
                .iter()
                .map(|a| (a.name.clone(), a.ty.clone()))
                .collect(),
        )
    }

    /// True when `v` is a whole identity: a wholly known object with every attribute the import
    /// needs set.
    pub fn is_complete(&self, v: &Value) -> bool {
        v.is_fully_known()
            && !v.is_null()
            && self
                .attributes
                .iter()
                .filter(|a| a.required_for_import)
                .all(|a| !v.get(&a.name).is_null())
    }

    pub(crate) fn to_proto(&self) -> pb::ResourceIdentitySchema {
        pb::ResourceIdentitySchema {
            version: self.version,
            identity_attributes: self
                .attributes
                .iter()
                .map(|a| pb::resource_identity_schema::IdentityAttribute {
                    name: a.name.clone(),
                    r#type: a.ty.to_json_bytes(),
                    required_for_import: a.required_for_import,
                    optional_for_import: a.optional_for_import,
                    description: a.description.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_and_completeness() {
        let s = IdentitySchema::new(
            0,
            vec![
                IdentityAttribute::required("id", Type::Number),
                IdentityAttribute::optional("name", Type::String),
            ],
        );
        let Type::Object(attrs) = s.value_type() else {
            panic!("an object")
        };
        assert_eq!(attrs.len(), 2);
        let full = Value::object([("id", Value::from(7)), ("name", Value::Null)]);
        assert!(s.is_complete(&full));
        assert!(!s.is_complete(&Value::Null));
        assert!(!s.is_complete(&Value::object([
            ("id", Value::Null),
            ("name", Value::string("x"))
        ])));
        assert!(!s.is_complete(&Value::Unknown));
        let p = s.to_proto();
        assert_eq!(p.identity_attributes[0].r#type, b"\"number\"".to_vec());
        assert!(p.identity_attributes[1].optional_for_import);
    }
}
