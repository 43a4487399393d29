use crate::label::Labelled;
use crate::vocab::Role;

/// One row of a state-machine table: in state `from` (`None`: the machine
/// does not exist yet), `command` by one of `roles` leads to `to`, provided
/// every requirement holds. `R` is the machine's own requirement type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<S, C, R> {
    /// The state the command is issued in; `None` for the command that creates the machine.
    pub from: Option<S>,
    /// The state after it (equal to `from` for in-state commands).
    pub to: S,
    /// The command.
    pub command: C,
    /// The roles that may issue it.
    pub roles: Vec<Role>,
    /// What must hold for it to be accepted.
    pub requires: Vec<R>,
    /// Where the row comes from, tagged `\[R: S6\]`, `\[I\]` or `\[M\]` (exported with it).
    pub source: Option<String>,
}

impl<S, C, R: Clone> Row<S, C, R> {
    /// A row; roles and requirements are copied from the slices.
    pub fn new(from: Option<S>, to: S, command: C, roles: &[Role], requires: &[R]) -> Self {
        Row { from, to, command, roles: roles.to_vec(), requires: requires.to_vec(), source: None }
    }

    /// The row with its source.
    pub fn tagged(mut self, source: &str) -> Self {
        self.source = Some(source.to_owned());
        self
    }
}

/// A state machine as data: its rows, its terminal states and an O(1)
/// index from (state, command) to row.
#[derive(Debug, Clone)]
pub struct Table<S, C, R> {
    rows: Vec<Row<S, C, R>>,
    terminal: Vec<S>,
    /// Where each state comes from, for states that say.
    state_sources: Vec<(S, String)>,
    /// `index[from][command]`; slot 0 of the first dimension is "no machine yet".
    index: Vec<Vec<Option<usize>>>,
}

fn slot<S: Labelled>(state: Option<S>) -> usize {
    state.map_or(0, |s| s.index() + 1)
}

impl<S: Labelled + PartialEq, C: Labelled + PartialEq, R> Table<S, C, R> {
    /// Builds a table. A (state, command) pair must appear at most once; a
    /// later duplicate is ignored (and caught by the rule-set tests).
    pub fn new(rows: Vec<Row<S, C, R>>, terminal: Vec<S>) -> Self {
        let mut index = vec![vec![None; C::ALL.len()]; S::ALL.len() + 1];
        for (i, row) in rows.iter().enumerate() {
            let cell = &mut index[slot(row.from)][row.command.index()];
            if cell.is_none() {
                *cell = Some(i);
            }
        }
        Table { rows, terminal, state_sources: Vec::new(), index }
    }

    /// The table with the sources of its states, tagged like rows'.
    pub fn with_state_sources(mut self, sources: &[(S, &str)]) -> Self
    where
        S: Copy,
    {
        self.state_sources = sources.iter().map(|(s, t)| (*s, (*t).to_owned())).collect();
        self
    }

    /// Where a state comes from, if the table says.
    pub fn state_source(&self, state: S) -> Option<&str> {
        self.state_sources.iter().find(|(s, _)| *s == state).map(|(_, t)| t.as_str())
    }

    /// Whether two rows share a (state, command) (the later one would never apply).
    pub fn has_duplicates(&self) -> bool {
        self.rows
            .iter()
            .enumerate()
            .any(|(i, r)| self.rows[..i].iter().any(|o| o.from == r.from && o.command == r.command))
    }

    /// The row for issuing `command` in `from`, if the table allows it.
    #[inline]
    pub fn row(&self, from: Option<S>, command: C) -> Option<&Row<S, C, R>> {
        self.index[slot(from)][command.index()].map(|i| &self.rows[i])
    }

    /// Every row, in presentation order.
    pub fn rows(&self) -> &[Row<S, C, R>] {
        &self.rows
    }

    /// The states in which the machine's work is finished.
    pub fn terminal(&self) -> &[S] {
        &self.terminal
    }

    /// Whether `state` is terminal.
    pub fn is_terminal(&self, state: S) -> bool {
        self.terminal.contains(&state)
    }

    /// The commands allowed in `from`, in vocabulary order.
    pub fn allowed(&self, from: Option<S>) -> Vec<C> {
        C::ALL.iter().copied().filter(|c| self.row(from, *c).is_some()).collect()
    }

    /// The states the machine uses, in vocabulary order.
    pub fn states(&self) -> Vec<S> {
        S::ALL.iter().copied().filter(|s| self.rows.iter().any(|r| r.to == *s || r.from == Some(*s))).collect()
    }
}
