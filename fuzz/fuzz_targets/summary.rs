//! SUMMARY.md parsing: every entry's span inside the text.
#![no_main]

use specsite::content::SummaryItem;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let summary = specsite::content::summary::parse_summary(&text);
    let mut stack: Vec<&SummaryItem> = summary.items.iter().collect();
    while let Some(item) = stack.pop() {
        match item {
            SummaryItem::Part { span, .. } => assert!(span.end <= text.len(), "{item:?}"),
            SummaryItem::Link { span, children, .. } => {
                assert!(span.start <= span.end && span.end <= text.len(), "{item:?}");
                stack.extend(children.iter());
            }
            SummaryItem::Separator => {}
        }
    }
});
