//! A resolver error on a nullable field must leave that field `null` in `data` (GraphQL spec,
//! §6.4.4, and what Shopify answers: `"data":{"customerAccessTokenDelete":null}`).
//! async-graphql records the error but drops the key, so the key is put back here.

use async_graphql::indexmap::IndexMap;
use async_graphql::{Name, PathSegment, Response, Value};

pub fn restore_errored_fields(response: &mut Response) {
    let paths: Vec<Vec<PathSegment>> = response
        .errors
        .iter()
        .filter(|error| !error.path.is_empty())
        .map(|error| error.path.clone())
        .collect();
    if paths.is_empty() {
        return;
    }
    if response.data == Value::Null {
        response.data = Value::Object(IndexMap::new());
    }
    for path in paths {
        set_null_at(&mut response.data, &path);
    }
}

fn set_null_at(value: &mut Value, path: &[PathSegment]) {
    match (path, value) {
        ([PathSegment::Field(key)], Value::Object(map)) => {
            map.entry(Name::new(key)).or_insert(Value::Null);
        }
        ([PathSegment::Field(key), rest @ ..], Value::Object(map)) => {
            if let Some(child) = map.get_mut(key.as_str()) {
                set_null_at(child, rest);
            }
        }
        ([PathSegment::Index(index), rest @ ..], Value::List(items)) if !rest.is_empty() => {
            if let Some(child) = items.get_mut(*index) {
                set_null_at(child, rest);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{ServerError, value};

    fn error_at(path: Vec<PathSegment>) -> ServerError {
        let mut error = ServerError::new("denied", None);
        error.path = path;
        error
    }

    #[test]
    fn root_field_error_becomes_null_data_entry() {
        let mut response = Response::new(Value::Null);
        response.errors = vec![error_at(vec![PathSegment::Field(
            "customerAccessTokenDelete".into(),
        )])];
        restore_errored_fields(&mut response);
        assert_eq!(response.data, value!({ "customerAccessTokenDelete": null }));
    }

    #[test]
    fn nested_error_keeps_siblings_and_existing_values() {
        let mut response = Response::new(value!({ "a": { "b": 1 }, "list": [{ "x": 1 }] }));
        response.errors = vec![
            error_at(vec![
                PathSegment::Field("a".into()),
                PathSegment::Field("c".into()),
            ]),
            error_at(vec![
                PathSegment::Field("a".into()),
                PathSegment::Field("b".into()),
            ]),
            error_at(vec![
                PathSegment::Field("list".into()),
                PathSegment::Index(0),
                PathSegment::Field("y".into()),
            ]),
        ];
        restore_errored_fields(&mut response);
        assert_eq!(
            response.data,
            value!({ "a": { "b": 1, "c": null }, "list": [{ "x": 1, "y": null }] })
        );
    }

    #[test]
    fn errors_without_paths_leave_data_alone() {
        let mut response = Response::new(Value::Null);
        response.errors = vec![ServerError::new("syntax", None)];
        restore_errored_fields(&mut response);
        assert_eq!(response.data, Value::Null);
    }
}
