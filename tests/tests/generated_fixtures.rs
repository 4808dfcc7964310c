//! Every valid fixture schema (`bao-codegen/tests/fixtures/ok`) generates code that compiles
//! warning-free and passes clippy; generated through the build.rs API (`tests/build.rs`).

macro_rules! fixture {
    ($name:ident) => {
        pub mod $name {
            include!(concat!(
                env!("OUT_DIR"),
                "/",
                stringify!($name),
                "/bao_models.rs"
            ));
        }
    };
}

fixture!(all_field_types);
fixture!(blog);
fixture!(key_shapes);
fixture!(mapping);

#[test]
fn generated_schemas_carry_the_yaml_layout() {
    use bao_runtime::Model;
    let user = blog::User::SCHEMA;
    assert_eq!(user.prefix, "u");
    assert_eq!(user.unique_constraints[0].name, "uniqueEmail");
    let posts = blog::Post::SCHEMA
        .index("postsForUser")
        .expect("postsForUser is generated");
    assert_eq!(posts.gsi, Some(2));
}
