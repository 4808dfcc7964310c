//! `bao table export`: each format of the table `bao table create` makes, with and without the
//! search index, as snapshots (the tests crate checks the shape against a created table).

use bao_codegen::infra::{InfraFormat, export};
use bao_runtime::table::{TableFeatures, created_shape};

#[test]
fn every_format_matches_its_snapshot() {
    for search in [false, true] {
        let shape = created_shape("my-app", TableFeatures { search });
        for (name, format) in [
            ("cloudformation", InfraFormat::CloudFormation),
            ("terraform", InfraFormat::Terraform),
            ("json", InfraFormat::Json),
        ] {
            let suffix = if search { "_search" } else { "" };
            insta::assert_snapshot!(format!("export_{name}{suffix}"), export(&shape, format));
        }
    }
}

#[test]
fn a_table_name_yaml_would_misread_is_quoted() {
    let shape = created_shape("true", TableFeatures::default());
    let template = export(&shape, InfraFormat::CloudFormation);
    assert!(template.contains("TableName: \"true\""), "{template}");
}
