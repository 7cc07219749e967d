//! OpenAPI rendering: the input's first line is `METHOD PATH`, the rest the
//! spec file an `{% openapi %}` block of a page names.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (first, spec) = text.split_once('\n').unwrap_or(("get /pets", &text));
    let (method, path) = first.split_once(' ').unwrap_or(("get", first));
    let attr = |s: &str| s.replace(['"', '%', '\n', '\r'], "");
    let page = format!(
        "# API\n\n{{% openapi src=\"api.yaml\" path=\"{}\" method=\"{}\" %}}\n[api.yaml](api.yaml)\n{{% endopenapi %}}\n",
        attr(path),
        attr(method)
    );
    let mut f = common::fixture();
    std::fs::write(f.dir.join("content/book/api.yaml"), spec.as_bytes()).unwrap();
    let p = f.set_page("content/book/a.md", &page);
    f.check_page(p);
});
