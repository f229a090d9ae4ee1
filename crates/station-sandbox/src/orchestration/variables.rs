//! The check async-graphql 7.2 leaves out: that each variable is declared
//! with the type of every position it is used in (the GraphQL spec's "All
//! Variable Usages Are Allowed"). Its own rule for this never sees a use,
//! because the chain of validation rules does not pass input values on, so
//! `query($id: ID!) { asyncIssuanceRequest(id: $id) … }` would be accepted
//! where the argument is `UUID!`. VO's server (graphql-js) refuses that
//! document, so the sandbox must too, or a station's mistyped variable
//! passes every test and fails at the first real desk.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Field, OperationType, Selection, SelectionSet};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{Name, Pos, ServerError, ServerResult, Value, Variables};

/// Installs the check on a schema: it runs on every parsed document, over
/// HTTP and WebSocket alike.
pub(super) struct VariableTypes;

impl ExtensionFactory for VariableTypes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(VariableTypes)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for VariableTypes {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        check(&ctx.schema_env.registry, &document)?;
        Ok(document)
    }
}

/// Every variable use in every operation of `document`. Unknown fields,
/// arguments and variables are left to async-graphql's own rules.
fn check(registry: &Registry, document: &ExecutableDocument) -> ServerResult<()> {
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        let root = match operation.ty {
            OperationType::Query => Some(registry.query_type.as_str()),
            OperationType::Mutation => registry.mutation_type.as_deref(),
            OperationType::Subscription => registry.subscription_type.as_deref(),
        };
        let Some(root) = root else { continue };
        let declared: HashMap<&str, String> = operation
            .variable_definitions
            .iter()
            .map(|definition| {
                let definition = &definition.node;
                let ty = &definition.var_type.node;
                // A nullable variable with a default stands where a non-null one may.
                let ty = if ty.nullable && definition.default_value.is_some() {
                    format!("{ty}!")
                } else {
                    ty.to_string()
                };
                (definition.name.node.as_str(), ty)
            })
            .collect();
        let mut walk = Walk {
            registry,
            document,
            declared: &declared,
            spread: HashSet::new(),
        };
        walk.selection_set(root, &operation.selection_set.node)?;
    }
    Ok(())
}

struct Walk<'a> {
    registry: &'a Registry,
    document: &'a ExecutableDocument,
    declared: &'a HashMap<&'a str, String>,
    /// Fragments already walked, so a cycle (refused elsewhere) cannot loop.
    spread: HashSet<&'a str>,
}

impl<'a> Walk<'a> {
    fn selection_set(&mut self, parent: &'a str, set: &'a SelectionSet) -> ServerResult<()> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => self.field(parent, &field.node)?,
                Selection::InlineFragment(fragment) => {
                    let on = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(parent, |condition| condition.node.on.node.as_str());
                    self.selection_set(on, &fragment.node.selection_set.node)?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if !self.spread.insert(name.as_str()) {
                        continue;
                    }
                    if let Some(fragment) = self.document.fragments.get(name) {
                        let on = fragment.node.type_condition.node.on.node.as_str();
                        self.selection_set(on, &fragment.node.selection_set.node)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn field(&mut self, parent: &'a str, field: &'a Field) -> ServerResult<()> {
        let Some(meta) = self
            .registry
            .types
            .get(parent)
            .and_then(|ty| ty.field_by_name(&field.name.node))
        else {
            return Ok(());
        };
        for (name, value) in &field.arguments {
            if let Some(argument) = meta.args.get(name.node.as_str()) {
                // async-graphql exports no type for a value with variables
                // in it; each variable becomes an enum value named `$name`,
                // which no document can write, so it marks the variable.
                let Ok(marked) = value.node.clone().into_const_with(|variable| {
                    Ok::<_, std::convert::Infallible>(Value::Enum(Name::new(format!("${variable}"))))
                });
                self.value(&argument.ty, &marked, value.pos)?;
            }
        }
        self.selection_set(
            MetaTypeName::concrete_typename(&meta.ty),
            &field.selection_set.node,
        )
    }

    /// `value` where the schema expects `expected`, down through lists and
    /// input objects, where variables also appear.
    fn value(&self, expected: &str, value: &Value, pos: Pos) -> ServerResult<()> {
        match value {
            Value::Enum(marker) if marker.starts_with('$') => {
                let name = &marker[1..];
                let Some(declared) = self.declared.get(name) else {
                    return Ok(());
                };
                if MetaTypeName::create(expected).is_subtype(&MetaTypeName::create(declared)) {
                    return Ok(());
                }
                // graphql-js's wording, which is what VO answers.
                Err(ServerError::new(
                    format!("Variable \"${name}\" of type \"{declared}\" used in position expecting type \"{expected}\"."),
                    Some(pos),
                ))
            }
            Value::List(items) => match MetaTypeName::create(expected).unwrap_non_null() {
                MetaTypeName::List(item_type) => {
                    items.iter().try_for_each(|item| self.value(item_type, item, pos))
                }
                _ => Ok(()),
            },
            Value::Object(fields) => {
                let Some(MetaType::InputObject { input_fields, .. }) =
                    self.registry.types.get(MetaTypeName::concrete_typename(expected))
                else {
                    return Ok(());
                };
                fields.iter().try_for_each(|(name, value)| {
                    input_fields
                        .get(name.as_str())
                        .map_or(Ok(()), |field| self.value(&field.ty, value, pos))
                })
            }
            _ => Ok(()),
        }
    }
}
