//! The custom-field files a Node DynamoBao service needs to load a schema with ObjectFields
//! and ListFields (`bao codegen --dynamo-bao-fields DIR`).
//!
//! DynamoBao's codegen looks a field type it does not have up in its config's
//! `paths.fieldsDir` (`ObjectField` in `object-field.js`, exporting a factory of that name).
//! These fields pass a shape's object and a list's array through as they are, refuse to be
//! part of a key, and make DynamoBao's marshaller write arrays as lists (`L`): left alone it
//! writes an array of strings or numbers as a set (`SS`, `NS`), which loses order and refuses
//! duplicates. They are CommonJS, which DynamoBao's codegen `require`s and both its CommonJS
//! and its ESM models load; the `package.json` beside them says so in a project of ES modules.

use std::io;
use std::path::Path;

/// Each file, by name.
pub const FILES: [(&str, &str); 3] = [
    (
        "object-field.js",
        include_str!("../dynamo-bao-fields/object-field.js"),
    ),
    (
        "list-field.js",
        include_str!("../dynamo-bao-fields/list-field.js"),
    ),
    ("package.json", "{\"type\": \"commonjs\"}\n"),
];

/// Writes the files into `dir` (created if missing); only files whose bytes differ are written.
///
/// # Errors
/// The file system's.
pub fn write(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, contents) in FILES {
        crate::output::write_if_changed(&dir.join(name), contents)?;
    }
    Ok(())
}
