//! Line breaking for the few generated constructs whose width depends on the schema's names:
//! function signatures, calls, attribute lists, struct literals and arrays.
//!
//! The templates print final code, laid out exactly as prettyplease lays it out, so codegen
//! never parses or re-formats its own output. prettyplease keeps a group (an argument list, a
//! struct literal) on one line when it fits within [`WIDTH`] columns, including the text that
//! follows it up to the next possible break; otherwise it puts each element on a line of its own,
//! four columns deeper, and breaks the elements themselves by the same rule. [`Expr`] does that
//! for the shapes bao generates. The tests check the result against prettyplease on every
//! fixture and on random schemas.

/// prettyplease's margin.
pub(crate) const WIDTH: usize = 89;

/// prettyplease breaks a struct literal wider than this (up to its closing brace) even when it
/// would fit on the line.
const STRUCT_WIDTH: usize = 34;

const INDENT: usize = 4;

/// A generated expression (or signature, or attribute) that may need breaking.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// Text that is never broken.
    Atom(String),
    /// `head(arg, arg)`; broken, one argument a line with a trailing comma.
    Call { head: String, args: Vec<Expr> },
    /// `#[head(item, item)]`; broken, one item a line without a trailing comma.
    Attribute { head: String, items: Vec<String> },
    /// `head { name: value, ..rest }`; broken, one field a line with a trailing comma (none
    /// after `..rest`).
    Struct {
        head: String,
        fields: Vec<(String, Expr)>,
        rest: Option<String>,
    },
    /// `&[item, item]`; broken, one item a line with a trailing comma.
    Slice(Vec<Expr>),
    /// `[item, item]`: an array, laid out as a slice is.
    Array(Vec<Expr>),
}

impl Expr {
    /// Text that is never broken.
    pub(crate) fn atom(text: impl Into<String>) -> Expr {
        Expr::Atom(text.into())
    }

    /// `head { fields }`.
    pub(crate) fn structure(head: impl Into<String>, fields: Vec<(String, Expr)>) -> Expr {
        Expr::Struct {
            head: head.into(),
            fields,
            rest: None,
        }
    }

    /// `head(args)`.
    pub(crate) fn call(head: impl Into<String>, args: impl IntoIterator<Item = Expr>) -> Expr {
        Expr::Call {
            head: head.into(),
            args: args.into_iter().collect(),
        }
    }

    /// The expression on one line.
    pub(crate) fn flat(&self) -> String {
        let mut out = String::with_capacity(self.flat_len());
        self.write_flat(&mut out);
        out
    }

    /// Appends the expression on one line to `out`.
    fn write_flat(&self, out: &mut String) {
        match self {
            Expr::Atom(text) => out.push_str(text),
            Expr::Call { head, args } => {
                out.push_str(head);
                out.push('(');
                write_flat_list(args, out);
                out.push(')');
            }
            Expr::Attribute { head, items } => {
                out.push_str("#[");
                out.push_str(head);
                out.push('(');
                out.push_str(&items.join(", "));
                out.push_str(")]");
            }
            Expr::Struct { head, fields, rest } => {
                out.push_str(head);
                if fields.is_empty() && rest.is_none() {
                    out.push_str(" {}");
                    return;
                }
                out.push_str(" { ");
                for (index, (name, value)) in fields.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(name);
                    if !is_shorthand(name, value) {
                        out.push_str(": ");
                        value.write_flat(out);
                    }
                }
                if let Some(rest) = rest {
                    if !fields.is_empty() {
                        out.push_str(", ");
                    }
                    out.push_str("..");
                    out.push_str(rest);
                }
                out.push_str(" }");
            }
            Expr::Slice(items) | Expr::Array(items) => {
                out.push_str(self.list_open());
                write_flat_list(items, out);
                out.push(']');
            }
        }
    }

    /// The width of [`Expr::flat`], without building it: layout asks at every depth.
    fn flat_len(&self) -> usize {
        let list = |items: &[Expr]| {
            let separators = 2 * items.len().saturating_sub(1);
            items.iter().map(Expr::flat_len).sum::<usize>() + separators
        };
        match self {
            Expr::Atom(text) => text.len(),
            Expr::Call { head, args } => head.len() + 2 + list(args),
            Expr::Attribute { head, items } => {
                let separators = 2 * items.len().saturating_sub(1);
                head.len() + 5 + items.iter().map(String::len).sum::<usize>() + separators
            }
            Expr::Struct { head, fields, rest } => {
                let parts = fields.len() + usize::from(rest.is_some());
                if parts == 0 {
                    return head.len() + 3;
                }
                let fields: usize = fields
                    .iter()
                    .map(|(name, value)| match is_shorthand(name, value) {
                        true => name.len(),
                        false => name.len() + 2 + value.flat_len(),
                    })
                    .sum();
                let rest = rest.as_ref().map_or(0, |rest| rest.len() + 2);
                head.len() + 5 + fields + rest + 2 * (parts - 1)
            }
            Expr::Slice(items) | Expr::Array(items) => self.list_open().len() + 1 + list(items),
        }
    }

    /// The expression laid out at `indent`, starting after `before` columns of text on its
    /// first line and followed by `after` on its last.
    pub(crate) fn layout(&self, indent: usize, before: usize, after: &str) -> String {
        let mut out = String::with_capacity(self.flat_len() + after.len());
        self.layout_into(indent, before, after, &mut out);
        out
    }

    /// Appends [`layout`](Self::layout) to `out`: a module lays out thousands of expressions,
    /// and writing each piece in place saves a string and a formatting pass per line.
    fn layout_into(&self, indent: usize, before: usize, after: &str, out: &mut String) {
        let fits = || before + self.flat_len() + after.len() <= WIDTH;
        if !self.breakable() || (self.narrow() && fits()) {
            self.write_flat(out);
            out.push_str(after);
            return;
        }
        let inner = indent + INDENT;
        match self {
            Expr::Atom(text) => out.push_str(text),
            // A call of one struct literal keeps its parenthesis on the literal's lines:
            // `Ok(Self {` ... `})`; prettyplease does not do so for a reference to one.
            Expr::Call { head, args } if matches!(args.as_slice(), [Expr::Struct { head, .. }] if !head.starts_with('&')) =>
            {
                out.push_str(head);
                out.push('(');
                let tail = [")", after].concat();
                args[0].layout_into(indent, before + head.len() + 1, &tail, out);
                return;
            }
            Expr::Call { head, args } => {
                out.push_str(head);
                out.push_str("(\n");
                for (index, arg) in args.iter().enumerate() {
                    pad(out, inner);
                    separated(arg, inner, inner, index + 1 == args.len(), out);
                    out.push('\n');
                }
                pad(out, indent);
                out.push(')');
            }
            Expr::Attribute { head, items } => {
                out.push_str("#[");
                out.push_str(head);
                out.push_str("(\n");
                let last = items.len().saturating_sub(1);
                for (index, item) in items.iter().enumerate() {
                    pad(out, inner);
                    out.push_str(item);
                    if index < last {
                        out.push(',');
                    }
                    out.push('\n');
                }
                pad(out, indent);
                out.push_str(")]");
            }
            Expr::Struct { head, fields, rest } => {
                out.push_str(head);
                out.push_str(" {\n");
                for (index, (name, value)) in fields.iter().enumerate() {
                    let last = index + 1 == fields.len() && rest.is_none();
                    pad(out, inner);
                    out.push_str(name);
                    if is_shorthand(name, value) {
                        out.push(',');
                    } else {
                        out.push_str(": ");
                        separated(value, inner, inner + name.len() + 2, last, out);
                    }
                    out.push('\n');
                }
                if let Some(rest) = rest {
                    pad(out, inner);
                    out.push_str("..");
                    out.push_str(rest);
                    out.push('\n');
                }
                pad(out, indent);
                out.push('}');
            }
            Expr::Slice(items) | Expr::Array(items) => {
                out.push_str(self.list_open());
                out.push('\n');
                for (index, item) in items.iter().enumerate() {
                    pad(out, inner);
                    separated(item, inner, inner, index + 1 == items.len(), out);
                    out.push('\n');
                }
                pad(out, indent);
                out.push(']');
            }
        }
        out.push_str(after);
    }

    /// Whether every struct literal in it, at any depth, is narrow enough for prettyplease to
    /// keep on one line.
    fn narrow(&self) -> bool {
        match self {
            Expr::Atom(_) | Expr::Attribute { .. } => true,
            Expr::Call { args, .. } => args.iter().all(Expr::narrow),
            Expr::Slice(items) | Expr::Array(items) => items.iter().all(Expr::narrow),
            Expr::Struct { fields, .. } => {
                self.flat_len() - 1 <= STRUCT_WIDTH
                    && fields.iter().all(|(_, value)| value.narrow())
            }
        }
    }

    fn breakable(&self) -> bool {
        match self {
            Expr::Atom(_) => false,
            Expr::Call { args, .. } => !args.is_empty(),
            Expr::Attribute { items, .. } => !items.is_empty(),
            Expr::Struct { fields, rest, .. } => !fields.is_empty() || rest.is_some(),
            Expr::Slice(items) | Expr::Array(items) => !items.is_empty(),
        }
    }

    /// What opens a slice or an array: `&[` or `[`.
    fn list_open(&self) -> &'static str {
        match self {
            Expr::Slice(_) => "&[",
            _ => "[",
        }
    }
}

/// Appends one element of a broken list, then its comma. prettyplease prints the comma after
/// the last element only because the list broke, so it does not count toward that element's
/// width.
fn separated(expr: &Expr, indent: usize, before: usize, last: bool, out: &mut String) {
    match last {
        true => {
            expr.layout_into(indent, before, "", out);
            out.push(',');
        }
        false => expr.layout_into(indent, before, ",", out),
    }
}

/// Appends `columns` spaces.
fn pad(out: &mut String, columns: usize) {
    out.extend(std::iter::repeat_n(' ', columns));
}

fn write_flat_list(items: &[Expr], out: &mut String) {
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        item.write_flat(out);
    }
}

/// Whether a field is written `name` rather than `name: value`: its value is a variable of the
/// same name.
fn is_shorthand(name: &str, value: &Expr) -> bool {
    matches!(value, Expr::Atom(text) if text == name)
}

/// A function signature at `indent`, through its opening brace: one line when it fits,
/// otherwise one parameter a line.
pub(crate) fn signature(indent: usize, head: &str, params: Vec<String>, output: &str) -> String {
    let after = match output {
        "" => " {".to_owned(),
        output => format!(" -> {output} {{"),
    };
    let params = params.into_iter().map(Expr::Atom);
    let laid_out = Expr::call(head, params).layout(indent, indent, &after);
    let last_line = laid_out.rsplit('\n').next().unwrap_or_default();
    let column = match laid_out.contains('\n') {
        true => last_line.len(),
        false => indent + last_line.len(),
    };
    match generic_arguments(output) {
        // The parameters are broken and the return type still does not fit: prettyplease
        // breaks its generic arguments next (those of the trait of an `impl Trait<..> + 'a`).
        Some((ty, args, bounds)) if column > WIDTH => {
            let pad = " ".repeat(indent + INDENT);
            let args: String = args.iter().map(|arg| format!("{pad}{arg},\n")).collect();
            let close = " ".repeat(indent);
            let params = laid_out.strip_suffix(after.as_str()).unwrap_or(&laid_out);
            format!("{params} -> {ty}<\n{args}{close}>{bounds} {{")
        }
        _ => laid_out,
    }
}

/// A type (or generic parameter list) at `indent`, after `before` on its first line and
/// followed by `after`: on one line when it fits, otherwise its outermost generic arguments one
/// a line with a trailing comma, each broken again by the same rule.
pub(crate) fn generic_type(indent: usize, before: &str, ty: &str, after: &str) -> String {
    let fits = indent + before.len() + ty.len() + after.len() <= WIDTH;
    match generic_arguments(ty) {
        Some((path, args, "")) if !fits => {
            let inner = indent + INDENT;
            let pad = " ".repeat(inner);
            let last = args.len() - 1;
            // The comma after the last argument does not count toward its width.
            let args: String = args
                .iter()
                .enumerate()
                .map(|(index, arg)| match index == last {
                    true => format!("{pad}{},\n", generic_type(inner, "", arg, "")),
                    false => format!("{pad}{}\n", generic_type(inner, "", arg, ",")),
                })
                .collect();
            format!("{before}{path}<\n{args}{}>{after}", " ".repeat(indent))
        }
        _ => format!("{before}{ty}{after}"),
    }
}

/// A generic type split into its path, its top-level arguments and the bounds after them:
/// `Query<'a, A, B<C, D>>` is `Query`, then `'a`, `A`, `B<C, D>`, then nothing;
/// `impl Future<Output = T> + 'a` is `impl Future`, then `Output = T`, then ` + 'a`.
fn generic_arguments(ty: &str) -> Option<(&str, Vec<&str>, &str)> {
    let (path, rest) = ty.split_once('<')?;
    let mut args = Vec::new();
    let (mut depth, mut start) = (0_i32, 0);
    for (index, char) in rest.char_indices() {
        match char {
            '<' => depth += 1,
            '>' if depth == 0 => {
                args.push(rest[start..index].trim());
                return Some((path, args, &rest[index + 1..]));
            }
            '>' => depth -= 1,
            ',' if depth == 0 => {
                args.push(rest[start..index].trim());
                start = index + 1;
            }
            _ => {}
        }
    }
    None
}

/// `#[name(items)]` at `indent`.
pub(crate) fn attribute(indent: usize, name: &str, items: Vec<String>) -> String {
    Expr::Attribute {
        head: name.to_owned(),
        items,
    }
    .layout(indent, indent, "")
}

/// A call statement or item at `indent` whose text before the parenthesis is `head` and after
/// the closing parenthesis `after` (`;`, `?,`).
pub(crate) fn call(indent: usize, head: &str, args: Vec<String>, after: &str) -> String {
    let expr = Expr::call(head, args.into_iter().map(Expr::Atom));
    let fits = indent + expr.flat_len() + after.len() <= WIDTH;
    match (head.strip_prefix("self.").and(head.rsplit_once('.')), expr) {
        // A method called on a field (`self.0.nest(..)`) that does not fit: prettyplease breaks
        // before the method first, then lays out the call on its own line.
        (Some((receiver, method)), Expr::Call { args, .. }) if !fits => {
            let inner = indent + INDENT;
            let method_call = Expr::call(format!(".{method}"), args);
            let pad = " ".repeat(inner);
            format!(
                "{receiver}\n{pad}{}",
                method_call.layout(inner, inner, after)
            )
        }
        (_, expr) => expr.layout(indent, indent, after),
    }
}

/// A macro call in item position, `head(args)` then `after`, laid out as prettyplease lays out
/// the tokens of a macro it does not know: on one line when it fits, otherwise the tokens
/// filled onto indented lines between the parentheses, a line broken before the first token
/// that does not fit (a comma stays with the token before it; a string literal is one token).
pub(crate) fn macro_call(indent: usize, head: &str, args: Vec<String>, after: &str) -> String {
    let flat = format!("{head}({}){after}", args.join(", "));
    if indent + flat.len() <= WIDTH {
        return flat;
    }
    let inner = indent + INDENT;
    let last = args.len().saturating_sub(1);
    let words = args.iter().enumerate().flat_map(|(index, arg)| {
        let mut tokens = tokens(arg);
        if index != last
            && let Some(end) = tokens.last_mut()
        {
            end.push(',');
        }
        tokens
    });
    let mut text = format!("{head}(\n{}", " ".repeat(inner));
    let mut column = inner;
    for (index, word) in words.enumerate() {
        if index > 0 {
            match column + 1 + word.len() <= WIDTH {
                true => {
                    text.push(' ');
                    column += 1;
                }
                false => {
                    text.push('\n');
                    text.push_str(&" ".repeat(inner));
                    column = inner;
                }
            }
        }
        text.push_str(&word);
        column += word.len();
    }
    text.push('\n');
    text.push_str(&" ".repeat(indent));
    text.push(')');
    text.push_str(after);
    text
}

/// The space-separated tokens of a macro argument; a string literal is one token, spaces and
/// escaped quotes included.
fn tokens(arg: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut token = String::new();
    let (mut in_string, mut escaped) = (false, false);
    for c in arg.chars() {
        match c {
            ' ' if !in_string => {
                if !token.is_empty() {
                    tokens.push(std::mem::take(&mut token));
                }
                continue;
            }
            '"' if !escaped => in_string = !in_string,
            _ => {}
        }
        escaped = in_string && c == '\\' && !escaped;
        token.push(c);
    }
    if !token.is_empty() {
        tokens.push(token);
    }
    tokens
}

/// The column generated doc comments are filled to, as the project's own are (prettyplease
/// and rustfmt leave comments as they are).
const DOC_WIDTH: usize = 100;

/// `text` as doc comment lines at `indent`, each as printed after `///` (with its leading
/// space), its words filled to [`DOC_WIDTH`] columns. A word longer than a line has one to
/// itself.
pub(crate) fn filled_doc_lines(text: &str, indent: usize) -> Vec<String> {
    let width = DOC_WIDTH - indent - "///".len();
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + word.len() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(format!(" {word}")),
        }
    }
    lines
}

/// Whether `code` can be printed as it is: every line that is not a comment fits within
/// [`WIDTH`]. A longer line means a name too long for the layout rules above (prettyplease
/// would break inside it), so such a module goes through prettyplease instead.
pub(crate) fn fits(code: &str) -> bool {
    first_wide_line(code).is_none()
}

/// The first line of `code` that is not a comment and does not fit within [`WIDTH`].
pub(crate) fn first_wide_line(code: &str) -> Option<&str> {
    // Every emitted module goes through here: its lines are found with memchr, and almost
    // every line is short, so only a long one gets a second look.
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', code.as_bytes()).chain([code.len()]) {
        let line = &code[start..end];
        start = end + 1;
        if line.len() <= WIDTH || line.trim_start().starts_with("//") {
            continue;
        }
        // The comma after the last element of a broken list does not count toward its width
        // (see `separated`): the element is last when the list closes on the next line.
        let next = code.get(start..).and_then(|rest| rest.lines().next());
        let closes = next.is_some_and(|next| next.trim_start().starts_with([')', ']', '}', '>']));
        let width = match closes {
            true => line.strip_suffix(',').unwrap_or(line).len(),
            false => line.len(),
        };
        if width > WIDTH {
            return Some(line);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// prettyplease fills a macro's tokens, not its arguments: a line breaks before the first
    /// token that does not fit, inside an argument if need be (`New =` / `"NEW"`); a string
    /// literal with a space is one token.
    #[test]
    fn macro_calls_break_between_tokens() {
        let args = [
            "Account1Account4",
            r#"Draft = "draft""#,
            r#"OnHold = "on hold""#,
            r#"V2Ready = "v2-ready""#,
            r#"New = "NEW""#,
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            macro_call(0, "bao::string_enum!", args, ";"),
            "bao::string_enum!(\n    Account1Account4, Draft = \"draft\", OnHold = \"on hold\", \
             V2Ready = \"v2-ready\", New =\n    \"NEW\"\n);"
        );
        assert_eq!(tokens(r#"A = "x \" y" z"#), ["A", "=", r#""x \" y""#, "z"]);
    }

    #[test]
    fn a_macro_call_that_does_not_fit_fills_its_tokens_between_the_parentheses() {
        let args = |names: &[&str]| names.iter().map(|name| name.to_string()).collect();
        assert_eq!(
            macro_call(0, "m!", args(&["A(b)", "C", "D"]), ";"),
            "m!(A(b), C, D);"
        );
        let long = "x".repeat(40);
        assert_eq!(
            macro_call(0, "m!", args(&[&long, &long, "tail"]), ";"),
            format!("m!(\n    {long}, {long},\n    tail\n);")
        );
    }

    #[test]
    fn a_signature_that_fits_stays_on_one_line() {
        let params = vec!["db: &bao::Db".to_owned()];
        assert_eq!(
            signature(4, "pub fn find", params, "bao::Result<()>"),
            "pub fn find(db: &bao::Db) -> bao::Result<()> {"
        );
    }

    #[test]
    fn a_long_signature_puts_each_parameter_on_a_line() {
        let params = vec![
            "first_parameter: &bao::Db".to_owned(),
            "second: u32".to_owned(),
        ];
        let output = "bao::Result<Option<super::some_long_module::SomeLongModelName>>";
        assert_eq!(
            signature(4, "pub async fn find_something", params, output),
            format!(
                "pub async fn find_something(\n        first_parameter: &bao::Db,\n        \
                 second: u32,\n    ) -> {output} {{"
            )
        );
    }

    #[test]
    fn a_long_return_type_breaks_its_generic_arguments() {
        let params = vec!["&self".to_owned(), "db: &'a bao::Db".to_owned()];
        let output = "bao::MappingQuery<'a, super::tagged_post::TaggedPost, super::post::PostId, \
                      super::post::Post>";
        assert_eq!(
            signature(4, "pub fn get_posts<'a>", params, output),
            "pub fn get_posts<'a>(\n        &self,\n        db: &'a bao::Db,\n    ) -> \
             bao::MappingQuery<\n        'a,\n        super::tagged_post::TaggedPost,\n        \
             super::post::PostId,\n        super::post::Post,\n    > {"
        );
    }

    #[test]
    fn a_long_returned_future_breaks_the_arguments_of_its_trait() {
        let params = vec!["db: &'a bao::Db".to_owned(), "items: &'a [Self]".to_owned()];
        let output = "impl bao::Future<Output = bao::Result<Vec<Option<super::model0499::Model0499>>>> \
                      + 'a";
        assert_eq!(
            signature(4, "pub fn get_owner_for_each<'a>", params, output),
            "pub fn get_owner_for_each<'a>(\n        db: &'a bao::Db,\n        items: &'a [Self],\n    ) \
             -> impl bao::Future<\n        Output = bao::Result<Vec<Option<super::model0499::Model0499>>>,\n    \
             > + 'a {"
        );
    }

    #[test]
    fn a_method_on_a_field_breaks_before_the_method_first() {
        let args = vec![
            "F_CONTRACT_ID".to_owned(),
            "patch(super::amount::AmountPatch::new())".to_owned(),
        ];
        assert_eq!(
            call(8, "self.0.nest", args, ";"),
            "self.0.nest(F_CONTRACT_ID, patch(super::amount::AmountPatch::new()));"
        );
        let long = vec![
            "F_CONTRACT_SCHEDULE_4_ID".to_owned(),
            "patch(super::amount3::Amount3Patch::new())".to_owned(),
        ];
        assert_eq!(
            call(8, "self.0.nest", long, ";"),
            "self.0\n            .nest(F_CONTRACT_SCHEDULE_4_ID, patch(super::amount3::Amount3Patch::new()));"
        );
        // Still too wide on its own line: the arguments break too.
        let longer = vec![
            "F_CONTRACT_SCHEDULE_FOR_THE_QUARTERLY_BILLING_CYCLE_OF_THE_ACCOUNT_ID".to_owned(),
            "patch(AmountPatch::new())".to_owned(),
        ];
        assert_eq!(
            call(8, "self.changes.patch", longer, ";"),
            "self.changes\n            .patch(\n                \
             F_CONTRACT_SCHEDULE_FOR_THE_QUARTERLY_BILLING_CYCLE_OF_THE_ACCOUNT_ID,\n                \
             patch(AmountPatch::new()),\n            );"
        );
    }

    #[test]
    fn the_flat_width_is_the_width_of_the_flat_text() {
        let nested = Expr::call(
            "Some",
            [Expr::Struct {
                head: "&bao::SearchSchema".into(),
                fields: vec![
                    (
                        "fields".into(),
                        Expr::Slice(vec![Expr::atom("\"a\""), Expr::atom("b")]),
                    ),
                    ("dedupe".into(), Expr::atom("dedupe")),
                ],
                rest: Some("bao::SearchSchema::DEFAULT".into()),
            }],
        );
        let exprs = [
            nested,
            Expr::structure("Empty", vec![]),
            Expr::Attribute {
                head: "derive".into(),
                items: vec!["Debug".into(), "Clone".into()],
            },
            Expr::call("f", []),
            Expr::Slice(vec![]),
            Expr::Array(vec![Expr::atom("1"), Expr::atom("2")]),
        ];
        for expr in exprs {
            assert_eq!(expr.flat_len(), expr.flat().len(), "{}", expr.flat());
        }
    }

    #[test]
    fn a_struct_literal_wider_than_34_columns_breaks() {
        let short = Expr::structure("Key", vec![("a".into(), Expr::atom("a"))]);
        assert_eq!(short.layout(8, 8, ""), "Key { a }");
        let wide = Expr::structure(
            "Self",
            vec![
                ("name".into(), Expr::atom("name.into()")),
                ("tag_id".into(), Expr::atom("None")),
            ],
        );
        assert_eq!(
            wide.layout(8, 8, ""),
            "Self {\n            name: name.into(),\n            tag_id: None,\n        }"
        );
    }

    #[test]
    fn nested_groups_break_from_the_outside_in() {
        let inner = Expr::Struct {
            head: "bao::KeySchema".into(),
            fields: vec![
                (
                    "partition".into(),
                    Expr::atom("bao::KeyPart::Field(\"aLongFieldName\")"),
                ),
                ("sort".into(), Expr::atom("bao::KeyPart::ModelPrefix")),
            ],
            rest: None,
        };
        let outer = Expr::Struct {
            head: "&bao::ModelSchema".into(),
            fields: vec![("primary_key".into(), inner)],
            rest: None,
        };
        let laid_out = outer.layout(4, 50, ";");
        assert_eq!(
            laid_out,
            "&bao::ModelSchema {\n        primary_key: bao::KeySchema {\n            \
             partition: bao::KeyPart::Field(\"aLongFieldName\"),\n            \
             sort: bao::KeyPart::ModelPrefix,\n        },\n    };"
        );
    }

    #[test]
    fn only_comments_may_be_wider_than_the_margin() {
        let wide = "x".repeat(WIDTH + 1);
        assert!(fits(&format!("    /// {wide}\nfn f() {{}}\n")));
        assert!(!fits(&format!("const X: &str = \"{wide}\";\n")));
    }

    #[test]
    fn the_comma_after_a_last_element_does_not_count() {
        let element = format!("    {}", "x".repeat(WIDTH - 4));
        assert!(fits(&format!("f(\n{element},\n);\n")));
        assert!(!fits(&format!("f(\n{element},\n    y,\n);\n")));
    }

    #[test]
    fn doc_comments_are_filled_to_the_doc_width() {
        let text = ["word"; 40].join(" ");
        for indent in [0, 4] {
            let lines = filled_doc_lines(&text, indent);
            assert!(lines.len() > 1);
            for line in &lines {
                assert!(indent + "///".len() + line.len() <= DOC_WIDTH, "{line:?}");
                assert!(line.starts_with(" word"), "{line:?}");
            }
            // Filled: the next word would not have fitted on any line.
            for line in &lines[..lines.len() - 1] {
                assert!(indent + "///".len() + line.len() + " word".len() > DOC_WIDTH);
            }
            assert_eq!(lines.join("").split_whitespace().count(), 40);
        }
        let long = "x".repeat(DOC_WIDTH);
        assert_eq!(
            filled_doc_lines(&format!("a {long} b"), 0),
            [" a", &format!(" {long}"), " b"]
        );
    }
}
