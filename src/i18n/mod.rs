//! The app's two languages: English and Brazilian Portuguese.
//!
//! Messages live in Project Fluent files, one folder per language
//! (`assets/i18n/en/*.ftl`, `assets/i18n/pt-BR/*.ftl`), compiled into the
//! binary so that a moved executable still speaks. Fluent, not a string
//! table, because its plural rules and selectors come from CLDR: "1 traço" /
//! "2 traços" and "1 stroke" / "2 strokes" are the translator's business,
//! not the code's.
//!
//! Use [`t!`](crate::t): `t!("stroke-count", n = 3)` gives "3 strokes" or "3 traços".
//! Numbers a person reads go through [`num`] (a decimal comma in pt-BR);
//! JSON never does.
//!
//! The language is one process-wide setting ([`set`], [`current`]): the UI
//! re-reads every string each frame, so switching is live. A thread can
//! speak another language for a while ([`ThreadLang`]): the GUI tests run
//! side by side in one process, each app on its test's thread, so a pt-BR
//! test must not switch the English test next to it.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

pub use fluent_bundle::FluentArgs as Args;

/// A language the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    PtBr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::PtBr];

    /// The BCP 47 tag, as `--lang` takes it and the settings file stores it.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::PtBr => "pt-BR",
        }
    }

    /// The language's own name, for the language menu.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::PtBr => "Português (Brasil)",
        }
    }

    /// Parses a tag or a POSIX locale: `pt-BR`, `pt_BR.UTF-8`, `pt_PT`, `pt`
    /// → Portuguese; `en`, `en_US`, `C` → English; anything else → `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        let base = s.split(['.', '@']).next().unwrap_or("").trim();
        let lang = base
            .split(['_', '-'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match lang.as_str() {
            "pt" => Some(Lang::PtBr),
            "en" | "c" | "posix" => Some(Lang::En),
            _ => None,
        }
    }

    /// The default from the environment, as gettext chooses: the first of
    /// `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not empty decides;
    /// Portuguese (any region) gives pt-BR, anything else English.
    pub fn from_locale_vars(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Lang {
        [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty())
            .and_then(Lang::parse)
            .unwrap_or(Lang::En)
    }

    /// [`Lang::from_locale_vars`] on this process's environment.
    pub fn from_env() -> Lang {
        let var = |k: &str| std::env::var(k).ok();
        Lang::from_locale_vars(
            var("LC_ALL").as_deref(),
            var("LC_MESSAGES").as_deref(),
            var("LANG").as_deref(),
        )
    }

    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::PtBr => 1,
        }
    }
}

/// The message files, listed by build.rs from assets/i18n/<lang>/*.ftl.
mod sources {
    include!(concat!(env!("OUT_DIR"), "/i18n_sources.rs"));
}

/// Every message file, per language: each `.ftl` under `assets/i18n/en/`
/// and `assets/i18n/pt-BR/`, compiled in (a new file needs no list entry;
/// the tests check that both languages hold the same messages).
pub const SOURCES: [(Lang, &[(&str, &str)]); 2] =
    [(Lang::En, sources::EN), (Lang::PtBr, sources::PT_BR)];

static CURRENT: AtomicU8 = AtomicU8::new(0);

thread_local! {
    /// This thread's language while a [`ThreadLang`] is alive.
    static THREAD: Cell<Option<Lang>> = const { Cell::new(None) };
}

/// Switches the language for everything drawn or printed from now on (on
/// this thread only while a [`ThreadLang`] is alive here).
pub fn set(lang: Lang) {
    if THREAD.with(Cell::get).is_some() {
        THREAD.with(|t| t.set(Some(lang)));
    } else {
        CURRENT.store(lang.index() as u8, Ordering::Relaxed);
    }
}

/// The language in use on this thread.
pub fn current() -> Lang {
    THREAD
        .with(Cell::get)
        .unwrap_or_else(|| match CURRENT.load(Ordering::Relaxed) {
            1 => Lang::PtBr,
            _ => Lang::En,
        })
}

/// The language this thread speaks on its own, if a [`ThreadLang`] is alive.
pub fn thread_lang() -> Option<Lang> {
    THREAD.with(Cell::get)
}

/// While alive, this thread speaks `lang` whatever the process does, and
/// [`set`] on this thread changes only this thread. For tests that run the
/// app on their own thread beside others; dropping it restores what was.
#[must_use = "the language reverts when this is dropped"]
pub struct ThreadLang {
    before: Option<Lang>,
}

impl ThreadLang {
    pub fn new(lang: Lang) -> Self {
        let before = THREAD.with(|t| t.replace(Some(lang)));
        Self { before }
    }
}

impl Drop for ThreadLang {
    fn drop(&mut self) {
        THREAD.with(|t| t.set(self.before));
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static [Bundle; 2] {
    static BUNDLES: OnceLock<[Bundle; 2]> = OnceLock::new();
    BUNDLES.get_or_init(|| [build(Lang::En), build(Lang::PtBr)])
}

fn langid(lang: Lang) -> unic_langid::LanguageIdentifier {
    lang.tag().parse().expect("a valid BCP 47 tag")
}

fn build(lang: Lang) -> Bundle {
    let mut bundle = Bundle::new_concurrent(vec![langid(lang)]);
    // No Unicode isolation marks around arguments: egui would draw them as
    // boxes, and both languages are left-to-right.
    bundle.set_use_isolating(false);
    let (_, files) = SOURCES[lang.index()];
    for (name, text) in files {
        // The files are compiled in and checked by the tests, so a syntax
        // error is a build defect, not a user's problem.
        let resource = FluentResource::try_new((*text).to_string())
            .unwrap_or_else(|(_, e)| panic!("{}/{name}: {e:?}", lang.tag()));
        bundle
            .add_resource(resource)
            .unwrap_or_else(|e| panic!("{}/{name}: {e:?}", lang.tag()));
    }
    bundle
}

/// The message `key` in language `lang`, with `args`. A missing message
/// comes back as its key (the tests make sure none is missing).
pub fn tr_in(lang: Lang, key: &str, args: Option<&FluentArgs>) -> String {
    let bundle = &bundles()[lang.index()];
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        return key.to_string();
    };
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, args, &mut errors)
        .into_owned()
}

/// The attribute `attr` of message `key` in the current language
/// (`key.attr` in the file), if it has one.
pub fn tr_attr(key: &str, attr: &str) -> Option<String> {
    let bundle = &bundles()[current().index()];
    let pattern = bundle.get_message(key)?.get_attribute(attr)?.value();
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, None, &mut errors)
            .into_owned(),
    )
}

/// Whether `lang` has a message `key`.
pub fn has(lang: Lang, key: &str) -> bool {
    bundles()[lang.index()].has_message(key)
}

/// The message `key` in the current language.
pub fn tr(key: &str) -> String {
    tr_in(current(), key, None)
}

/// The message `key` in the current language, with `args`.
pub fn tr_args(key: &str, args: &FluentArgs) -> String {
    tr_in(current(), key, Some(args))
}

/// A built-in class's name as a person reads it in the current language:
/// the message `class-<name>` (`class-alarm_clock`), else the dataset's
/// name with spaces. Only for the shipped classes: a class the user taught
/// keeps the name the user gave it, so never pass one here.
pub fn class_name(class: &str) -> String {
    let id = format!("class-{}", class.replace(' ', "_"));
    if has(current(), &id) {
        tr(&id)
    } else {
        class.replace('_', " ")
    }
}

/// A built-in class's name as a sentence uses it, article and all: "an
/// airplane", "uma casa", "o sol" (the `.a` attribute of `class-<name>`);
/// None for a class that has no message: one a user taught, whose article
/// (and, in Portuguese, gender) nobody knows.
pub fn class_with_article(class: &str) -> Option<String> {
    let id = format!("class-{}", class.replace(' ', "_"));
    tr_attr(&id, "a")
}

/// A value for a message argument: integers are numbers (so plurals select
/// on them), text is text. Decimals are formatted first, with [`num`].
pub trait IntoArg {
    fn into_arg(self) -> FluentValue<'static>;
}

macro_rules! int_arg {
    ($($t:ty),*) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> FluentValue<'static> {
                FluentValue::from(self as f64)
            }
        }
    )*};
}
int_arg!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl IntoArg for String {
    fn into_arg(self) -> FluentValue<'static> {
        FluentValue::from(self)
    }
}

impl IntoArg for &String {
    fn into_arg(self) -> FluentValue<'static> {
        FluentValue::from(self.clone())
    }
}

impl IntoArg for &str {
    fn into_arg(self) -> FluentValue<'static> {
        FluentValue::from(self.to_string())
    }
}

/// Converts a macro argument (used by [`t!`](crate::t)).
pub fn arg(value: impl IntoArg) -> FluentValue<'static> {
    value.into_arg()
}

/// `x` with `decimals` digits after the separator, as the current language
/// writes it: `0.25` in English, `0,25` in pt-BR.
pub fn num(x: f64, decimals: usize) -> String {
    num_in(current(), x, decimals)
}

/// [`num`] in a given language.
pub fn num_in(lang: Lang, x: f64, decimals: usize) -> String {
    num_text_in(lang, format!("{x:.decimals$}"))
}

/// `x` in scientific notation with `decimals` digits, "3.2e-5" / "3,2e-5".
pub fn sci(x: f64, decimals: usize) -> String {
    localize(format!("{x:.decimals$e}"))
}

/// A number already written with a decimal point (by egui, say), with the
/// current language's separator.
pub fn localize(number: String) -> String {
    num_text_in(current(), number)
}

/// [`localize`] in a given language.
pub fn num_text_in(lang: Lang, number: String) -> String {
    match lang {
        Lang::En => number,
        Lang::PtBr => number.replace('.', ","),
    }
}

/// A share `p` in 0..=1 as a whole percentage: "47%" (both languages
/// write it without a space in the app's compact labels).
pub fn pct(p: f64) -> String {
    pct_with(p, 0)
}

/// A share `p` in 0..=1 as a percentage with `decimals` digits: "12.5%" /
/// "12,5%".
pub fn pct_with(p: f64, decimals: usize) -> String {
    format!("{}%", num(p * 100.0, decimals))
}

/// A message in the current language: `t!(id)` or
/// `t!(id, name = value, …)` with `id` a string literal, where each value is an integer (plurals
/// select on it) or text.
#[macro_export]
macro_rules! t {
    ($key:literal) => {
        $crate::i18n::tr($key)
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::i18n::Args::new();
        $( args.set(stringify!($name), $crate::i18n::arg($value)); )+
        $crate::i18n::tr_args($key, &args)
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A built-in class comes with its article; a taught one has none to
    /// guess, and the guess names it in quotes.
    #[test]
    fn only_built_in_classes_get_an_article() {
        let _pt = ThreadLang::new(Lang::PtBr);
        assert_eq!(class_with_article("airplane").as_deref(), Some("um avião"));
        assert_eq!(class_with_article("cactus"), None);
        assert_eq!(
            crate::t!("sketch-its-taught", class = "cactus"),
            "É “cactus”!"
        );
        drop(_pt);
        let _en = ThreadLang::new(Lang::En);
        assert_eq!(
            class_with_article("airplane").as_deref(),
            Some("an airplane")
        );
        assert_eq!(
            crate::t!("sketch-its-taught", class = "cactus"),
            "It's “cactus”!"
        );
    }

    #[test]
    fn locale_variables_choose_the_language() {
        let f = Lang::from_locale_vars;
        assert_eq!(f(None, None, Some("pt_BR.UTF-8")), Lang::PtBr);
        assert_eq!(f(None, None, Some("pt_PT")), Lang::PtBr);
        assert_eq!(f(None, None, Some("C")), Lang::En);
        assert_eq!(f(None, None, Some("de_DE.UTF-8")), Lang::En);
        assert_eq!(f(None, None, None), Lang::En);
        // LC_ALL wins over everything; LC_MESSAGES over LANG; empty is unset.
        assert_eq!(
            f(Some("en_US.UTF-8"), Some("pt_BR"), Some("pt_BR")),
            Lang::En
        );
        assert_eq!(f(Some("pt_BR.UTF-8"), None, Some("C")), Lang::PtBr);
        assert_eq!(f(Some(""), Some("pt_BR"), Some("en_US")), Lang::PtBr);
        assert_eq!(f(None, Some("C"), Some("pt_BR")), Lang::En);
    }

    #[test]
    fn tags_parse() {
        assert_eq!(Lang::parse("pt-BR"), Some(Lang::PtBr));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.tag()), Some(l));
        }
    }

    #[test]
    fn plurals_follow_the_language() {
        let strokes = |lang, n: usize| {
            let mut a = Args::new();
            a.set("n", arg(n));
            tr_in(lang, "stroke-count", Some(&a))
        };
        assert_eq!(strokes(Lang::En, 1), "1 stroke");
        assert_eq!(strokes(Lang::En, 10), "10 strokes");
        assert_eq!(strokes(Lang::PtBr, 1), "1 traço");
        assert_eq!(strokes(Lang::PtBr, 10), "10 traços");
        assert_eq!(strokes(Lang::PtBr, 0), "0 traços");
        assert_eq!(strokes(Lang::En, 0), "0 strokes");
    }

    #[test]
    fn a_thread_can_speak_its_own_language() {
        let global = current();
        {
            let _pt = ThreadLang::new(Lang::PtBr);
            assert_eq!(current(), Lang::PtBr);
            set(Lang::En); // the language menu, inside a test
            assert_eq!(current(), Lang::En);
            let other = std::thread::spawn(current).join().unwrap();
            assert_eq!(other, global, "another thread is not touched");
        }
        assert_eq!(current(), global);
    }

    #[test]
    fn decimal_comma_in_portuguese() {
        assert_eq!(num_in(Lang::En, 0.254, 2), "0.25");
        assert_eq!(num_in(Lang::PtBr, 0.254, 2), "0,25");
    }
}
