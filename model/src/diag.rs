//! Error accumulation: report every mistake of an input, not only the first.

/// Collects errors while a stage goes on; [`Errors::finish`] combines them.
#[derive(Default)]
pub struct Errors {
    errors: Option<syn::Error>,
    /// (message, place) of each error recorded: an expression the lowering reads twice
    /// (a `match`'s scrutinee in every arm's test) reports its mistake once.
    seen: Vec<(String, String)>,
    /// How many of the errors leave what is being built whole (a key that is not understood
    /// and is ignored): see [`Errors::finish_soft`].
    soft: usize,
}

impl Errors {
    /// Records an error (once: the same message at the same place is dropped).
    pub fn push(&mut self, e: syn::Error) {
        let id = (e.to_string(), format!("{:?}", e.span()));
        if self.seen.contains(&id) {
            return;
        }
        self.seen.push(id);
        match &mut self.errors {
            Some(all) => all.combine(e),
            None => self.errors = Some(e),
        }
    }

    /// Records an error spanned at `tokens`.
    pub fn at<T: quote::ToTokens>(&mut self, tokens: T, message: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error after which what is being built is still whole: the input's mistake
    /// (an unknown key) is left out of it.
    pub fn soft_at<T: quote::ToTokens>(&mut self, tokens: T, message: impl std::fmt::Display) {
        let before = self.seen.len();
        self.at(tokens, message);
        self.soft += self.seen.len() - before;
    }

    /// `value` and the errors, when every error recorded was soft (the value can be used,
    /// beside the errors, so that the rest of the program compiles as if the mistakes were
    /// fixed, and reports nothing more); `Err` when one was not.
    pub fn finish_soft<T>(self, value: T) -> syn::Result<(T, Option<syn::Error>)> {
        match self.errors {
            None => Ok((value, None)),
            Some(e) if self.soft == self.seen.len() => Ok((value, Some(e))),
            Some(e) => Err(e),
        }
    }

    /// Makes the errors recorded so far hard: what is being built is not whole.
    pub fn harden(&mut self) {
        self.soft = 0;
    }

    /// `Ok(value)` if no error was recorded.
    pub fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.errors {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos() {
        assert_eq!(
            closest("primary_ky", &["primary_key", "auto"]),
            Some("primary_key")
        );
        assert_eq!(closest("zzz", &["primary_key", "auto"]), None);
    }
}
