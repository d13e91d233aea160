//! Losing the display while the app runs (the X server or the Wayland
//! compositor goes away): end cleanly, with the drawing autosaved, one
//! line on stderr and the exit status [`EXIT_DISPLAY_LOST`].
//!
//! Under X11, winit 0.30 answers a broken connection with an `unwrap()`
//! panic inside its event loop (`platform_impl/linux/x11/window.rs`, on the
//! next window-size query) rather than an error that eframe could return;
//! under Wayland the event loop ends with an error instead. Both arrive
//! here: the panic is caught at the boundary ([`guard`]), and an error after
//! the window was shown counts as the display going away too. Unwinding
//! drops the app, whose `Drop` writes the canvas (see `StudioApp`).
//!
//! Xlib (loaded by winit and the graphics driver) may notice first; its
//! default handler for a broken connection prints a line and calls
//! `exit(1)`. [`window_shown`] installs one that exits with
//! [`EXIT_DISPLAY_LOST`] instead. Xlib allows no return from it, so it
//! cannot unwind to the app; what is saved then is the autosave of the last
//! pen-up, which is every finished stroke.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The exit status when the display went away while the app was running.
pub const EXIT_DISPLAY_LOST: u8 = 3;

/// Set once the window has shown a frame.
static WINDOW_SHOWN: AtomicBool = AtomicBool::new(false);
/// The message of a panic raised inside the windowing library.
static WINDOWING_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// How the window's run ended.
#[derive(Debug)]
pub enum Ended {
    /// The user closed it.
    Closed,
    /// The display went away; the text says how.
    DisplayLost(String),
}

/// Notes that the window has shown a frame, and takes over Xlib's
/// broken-connection handler if Xlib is loaded.
pub fn window_shown() {
    if !WINDOW_SHOWN.swap(true, Ordering::Relaxed) {
        install_xlib_io_error_handler();
    }
}

/// What [`xlib_io_error`] writes, in English and in pt-BR.
static X11_LOST_MESSAGES: std::sync::OnceLock<[String; 2]> = std::sync::OnceLock::new();

/// Xlib's `XSetIOErrorHandler`, found in the copy of libX11 that is already
/// loaded (RTLD_NOLOAD: under Wayland there is none, and nothing happens).
fn install_xlib_io_error_handler() {
    let _ = X11_LOST_MESSAGES.get_or_init(|| {
        crate::i18n::Lang::ALL
            .map(|lang| format!("{}\n", crate::i18n::tr_in(lang, "display-lost-x11", None)))
    });
    type Handler = extern "C" fn(*mut libc::c_void) -> libc::c_int;
    type SetHandler = unsafe extern "C" fn(Option<Handler>) -> Option<Handler>;
    // SAFETY: dlopen/dlsym with NUL-terminated names; the symbol, when
    // found, is Xlib's documented `XIOErrorHandler XSetIOErrorHandler(XIOErrorHandler)`.
    unsafe {
        let lib = libc::dlopen(c"libX11.so.6".as_ptr(), libc::RTLD_NOW | libc::RTLD_NOLOAD);
        if lib.is_null() {
            return;
        }
        let sym = libc::dlsym(lib, c"XSetIOErrorHandler".as_ptr());
        if sym.is_null() {
            return;
        }
        let set: SetHandler = std::mem::transmute::<*mut libc::c_void, SetHandler>(sym);
        set(Some(xlib_io_error));
    }
}

/// Called by Xlib, on whichever thread noticed, when the X connection
/// breaks; it must not return.
extern "C" fn xlib_io_error(_display: *mut libc::c_void) -> libc::c_int {
    // The message was formatted when the handler was installed; here only
    // the language is chosen (an atomic load), nothing is allocated.
    let msg = X11_LOST_MESSAGES.get().map_or(
        &b"rnn-studio: lost the connection to the display\n"[..],
        |m| m[usize::from(crate::i18n::current() == crate::i18n::Lang::PtBr)].as_bytes(),
    );
    // SAFETY: write(2) and _exit(2) are async-signal-safe; nothing else runs.
    unsafe {
        libc::write(2, msg.as_ptr().cast(), msg.len());
        libc::_exit(EXIT_DISPLAY_LOST as libc::c_int)
    }
}

/// Returns true if and only if a panic at `file` is the windowing
/// library's (winit and its X11/Wayland back ends), not ours.
fn is_windowing(file: &str) -> bool {
    [
        "/winit-",
        "/x11rb-",
        "/wayland-",
        "/smithay-client-toolkit-",
    ]
    .iter()
    .any(|crate_dir| file.contains(crate_dir))
}

/// Runs the window, turning a windowing panic or a windowing error after
/// the first frame into [`Ended::DisplayLost`]. Any other panic is a bug and
/// goes on as one (default report, exit 101).
pub fn guard(run: impl FnOnce() -> eframe::Result) -> eframe::Result<Ended> {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let from_windowing = info.location().is_some_and(|l| is_windowing(l.file()));
        if from_windowing {
            let msg = info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            if let Ok(mut slot) = WINDOWING_PANIC.lock() {
                *slot = Some(msg);
            }
        } else {
            default_hook(info);
        }
    }));
    let outcome = catch_unwind(AssertUnwindSafe(run));
    let windowing = WINDOWING_PANIC.lock().ok().and_then(|mut s| s.take());
    match (outcome, windowing) {
        (Ok(Ok(())), _) => Ok(Ended::Closed),
        (Ok(Err(e)), _) if WINDOW_SHOWN.load(Ordering::Relaxed) => {
            Ok(Ended::DisplayLost(e.to_string()))
        }
        (Ok(Err(e)), _) => Err(e),
        (Err(_), Some(msg)) => Ok(Ended::DisplayLost(msg)),
        (Err(payload), None) => std::panic::resume_unwind(payload),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_windowing_crates_count() {
        let reg = "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f";
        assert!(is_windowing(&format!(
            "{reg}/winit-0.30.13/src/platform_impl/linux/x11/window.rs"
        )));
        assert!(is_windowing(&format!(
            "{reg}/wayland-client-0.31.2/src/conn.rs"
        )));
        assert!(!is_windowing("src/app/canvas.rs"));
        assert!(!is_windowing(&format!("{reg}/egui-0.37.0/src/ui.rs")));
    }
}
