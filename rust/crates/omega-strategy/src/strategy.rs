//! The strategy trait (DESIGN §8, ADR-0006) and what it returns for an open position.
//!
//! Signals are omega-execution's [`omega_execution::TradeSignal`] — the one signal type of the
//! stack — so a strategy's output goes to the simulator unchanged.

use std::borrow::Cow;

use omega_core::{OmegaResult, Timeframe};
use omega_execution::{Position, TradeSignal};

use crate::bar_scan::BarScan;
use crate::cache::InitContext;
use crate::data_slice::DataSlice;

/// What to do with an open position at the current bar.
#[derive(Debug, Clone, PartialEq)]
pub enum PositionAction {
    /// Nothing.
    Hold,
    /// Move the stop loss (it applies from the next bar on; execution rule R18).
    ModifyStopLoss {
        /// The new stop.
        new_sl: f64,
    },
    /// Move the take profit (from the next bar on).
    ModifyTakeProfit {
        /// The new target.
        new_tp: f64,
    },
    /// Close at this bar's exit-side close.
    Close {
        /// The exit reason recorded on the trade.
        reason: Cow<'static, str>,
    },
}

/// An open position as `manage_position` sees it.
#[derive(Debug, Clone, Copy)]
pub struct PositionView<'a> {
    /// The simulator's position (fill price, levels, size, scenario …).
    pub position: &'a Position,
    /// Primary bar index of the fill.
    pub fill_index: usize,
    /// Primary bars since the fill bar (0 on the fill bar).
    pub bars_held: usize,
}

/// A strategy the Rust backtest loop runs.
///
/// Differences from ADR-0006's sketch, on purpose: `evaluate` and `manage_position` take
/// `&mut self` (a strategy may keep state between bars; the loop owns it exclusively), and the
/// indicator cache is reached through the [`DataSlice`] (which only reads bar `t` and earlier
/// bars) instead of a separate argument.
pub trait Strategy: Send {
    /// The registered name (the Python class name, e.g. `MeanReversionZScore`).
    fn name(&self) -> &str;

    /// The instrument the strategy trades.
    fn symbol(&self) -> &str;

    /// The timeframe the loop steps through; the data's primary timeframe must equal it.
    fn primary_timeframe(&self) -> Timeframe;

    /// Money at risk per trade, when the strategy's configuration sets it (it then replaces
    /// the execution config's `risk_per_trade`).
    fn risk_per_trade(&self) -> Option<f64> {
        None
    }

    /// Called once before the loop: check the data, compute the indicators.
    fn on_init(&mut self, init: &mut InitContext<'_, '_>) -> OmegaResult<()>;

    /// Whether `evaluate` or `manage_position` can do anything at primary bar `index` (default:
    /// always). A strategy driven by sparse events (e.g. entry masks) returns `false` for the
    /// bars between them: the loop then skips its calls there, and skips the simulator's exit
    /// checks on bars where no stop, target, pending order or timeout can trigger. Returning
    /// `false` for a bar where the strategy would act is a bug in the strategy.
    fn wants_bar(&self, _index: usize) -> bool {
        true
    }

    /// The first primary bar in `from..end` for which [`Strategy::wants_bar`] is true; `end`
    /// when there is none (default: `from`). While positions are open, the loop jumps to the
    /// earlier of that bar and the next bar on which the simulator's exit checks may change
    /// anything.
    fn next_wanted_bar(&mut self, from: usize, _end: usize) -> usize {
        from
    }

    /// With positions open or pending: the first primary bar in `from..end` at which
    /// `manage_position` may act on one of the `open` positions (their views at bar `from`) or
    /// `evaluate` may signal with `active` positions open or pending, as long as nothing else
    /// changes them; `end` when there is none. Default: [`Strategy::next_wanted_bar`]. The
    /// loop jumps to the earlier of that bar and the next bar on which the simulator's exit
    /// checks may change anything. Returning a bar after one where the strategy would act is
    /// a bug in the strategy; an earlier bar only costs the loop a step.
    fn next_acting_bar(
        &mut self,
        _scan: &BarScan<'_>,
        _open: &mut dyn Iterator<Item = PositionView<'_>>,
        _active: usize,
        from: usize,
        end: usize,
    ) -> usize {
        self.next_wanted_bar(from, end)
    }

    /// The first primary bar in `from..end` at which `evaluate` may return a signal while no
    /// position is open or pending; `end` when there is none (default: `from`, every bar may
    /// signal). While the simulator holds nothing, the loop jumps to that bar: the skipped
    /// bars get their (flat) equity points in bulk and no calls. Returning a bar after one
    /// where the strategy would signal is a bug in the strategy.
    fn next_entry_bar(&mut self, from: usize, _end: usize) -> usize {
        from
    }

    /// An upper bound on the signals `evaluate` returns over the whole run, known after
    /// `on_init` (default: `None`, unknown). The loop sizes its storage and the simulator's
    /// from it, so they do not regrow (and copy) as signals come; a bound that is too low
    /// only costs that regrowth, never a result.
    fn max_signals(&self) -> Option<usize> {
        None
    }

    /// Called once per valid primary bar after the bar's exits and position management: at
    /// most one new signal, stamped with `slice.timestamp`.
    fn evaluate(&mut self, slice: &DataSlice<'_>) -> Option<TradeSignal>;

    /// Called once per valid bar for each open position (in id order), after the bar's exits.
    fn manage_position(
        &mut self,
        position: &PositionView<'_>,
        slice: &DataSlice<'_>,
    ) -> PositionAction;
}
