using Gradient.Graph;
using Gradient.Kernels;
using TorchSharp;

namespace Gradient.Ops.Scan;

/// <summary>The loop itself: one call of the compiled inner function per step.</summary>
public sealed partial class Scan
{
    /// <summary>
    /// Runs the loop. Each step reads views of the sequences' rows, of the stored values its taps need and of the
    /// non-sequences, calls the compiled inner function once and copies the new values into the output buffers (a
    /// ring of <c>w</c> rows for an output kept at its last step only). Nothing is recompiled between steps.
    /// </summary>
    public override torch.Tensor[] Perform(Apply node, torch.Tensor[] inputs)
    {
        var label = ToString();
        long n = ReadSteps(inputs[0], label);
        var fn = InnerFunction;
        for (int j = 0; j < NSeqs; j++)
        {
            var seq = inputs[1 + j];
            if (seq.shape[0] < n)
            {
                throw new ArgumentException(
                    $"{label}: sequence {j} has {seq.shape[0]} rows, fewer than the {n} steps to run " +
                    "(n_steps is larger than a sequence is long)");
            }
        }
        var storage = new Storage[NRec];
        for (int k = 0; k < NRec; k++)
        {
            storage[k] = new Storage(this, k, inputs[OuterInit(k)], n, label);
        }
        var maps = new MapOutput[NNitSot];
        for (int m = 0; m < NNitSot; m++)
        {
            maps[m] = new MapOutput(this, m, n, label, inputs[0].device);
        }
        var args = new torch.Tensor[_innerInputs.Length];
        for (int q = 0; q < NNonSeqs; q++)
        {
            args[InnerNonSeqStart + q] = inputs[OuterNonSeq(q)];
        }
        long steps = 0;
        for (long s = 0; s < n; s++)
        {
            long t = Reverse ? n - 1 - s : s;
            bool stop;
            using (torch.NewDisposeScope())
            {
                for (int j = 0; j < NSeqs; j++)
                {
                    args[j] = inputs[1 + j].select(0, t);
                }
                for (int k = 0; k < NRec; k++)
                {
                    for (int i = 0; i < _taps[k].Length; i++)
                    {
                        args[TapStart(k) + i] = storage[k].Read(s + _taps[k][i]);
                    }
                }
                var outs = fn.Call(args);
                for (int k = 0; k < NRec; k++)
                {
                    storage[k].Write(s, outs[k]);
                }
                for (int m = 0; m < NNitSot; m++)
                {
                    maps[m].Write(s, t, outs[NRec + m]);
                }
                stop = AsWhile && IsTrue(outs[^1]);
            }
            steps = s + 1;
            if (stop)
            {
                break;
            }
        }
        var results = new torch.Tensor[NOuts];
        for (int k = 0; k < NRec; k++)
        {
            results[k] = storage[k].Result(steps);
        }
        for (int m = 0; m < NNitSot; m++)
        {
            results[NRec + m] = maps[m].Result(steps);
        }
        return results;
    }

    private static long ReadSteps(torch.Tensor nSteps, string label)
    {
        long n = nSteps.to_type(torch.ScalarType.Int64).item<long>();
        if (n < 0)
        {
            throw new ArgumentException($"{label}: n_steps must be >= 0; got {n}");
        }
        return n;
    }

    private static bool IsTrue(torch.Tensor condition)
    {
        using var asDouble = condition.to_type(torch.ScalarType.Float64);
        return asDouble.item<double>() != 0;
    }

    private static void CheckShape(torch.Tensor value, long[] expected, string label, string what, long step)
    {
        var have = value.shape;
        if (!have.SequenceEqual(expected))
        {
            throw new ArgumentException(
                $"{label}: {what} has shape {Kernels.Kernels.Show(have)} at step {step}; expected " +
                $"{Kernels.Kernels.Show(expected)} (every step must produce the shape of the initial state)");
        }
    }

    /// <summary>
    /// Where the values of one recurrent output live: the whole trace (initial rows, then one row per step, or for a
    /// reverse loop rows in time order followed by the initial rows mirrored), or a ring of its last <c>w</c> values.
    /// Y(s) is the value after step s; Y(-1), ..., Y(-w) are the initial values.
    /// </summary>
    private sealed class Storage
    {
        private readonly Scan _op;
        private readonly int _k;
        private readonly int _w;
        private readonly long _n;
        private readonly long[] _state;
        private readonly string _label;
        private torch.Tensor _buffer;
        private long _capacity;
        private readonly Checkpoints? _checkpoints;

        public Storage(Scan op, int k, torch.Tensor init, long n, string label)
        {
            _op = op;
            _k = k;
            _w = op.Window(k);
            _n = n;
            _label = label;
            if (init.shape[0] != _w)
            {
                throw new ArgumentException(
                    $"{label}: the initial value of recurrent output {k} has {init.shape[0]} rows; its taps " +
                    $"[{string.Join(", ", op._taps[k])}] need {_w}");
            }
            _state = init.shape[1..];
            if (op.StateType(k).Mismatch(_state) is { } why)
            {
                throw new ArgumentException($"{label}: the initial value of recurrent output {k}: {why}");
            }
            if (op._lastOnly[k] && _w == 1)
            {
                // Only the latest value: the step's own output tensor is kept, no copy.
                _buffer = init.select(0, 0);
                _capacity = 1;
                return;
            }
            if (op._lastOnly[k] || op._checkpointsOnly[k])
            {
                // Ring: Y(s) at row s mod w; the initial rows are Y(-w)..Y(-1), or mirrored for a reverse loop.
                _buffer = op.Reverse ? init.flip(0) : init.clone();
                _capacity = _w;
                if (op._checkpointsOnly[k])
                {
                    _checkpoints = new Checkpoints(op.Checkpoint, _w, init, n, op.AsWhile);
                }
                return;
            }
            // While loops do not know their length: grow the buffer by doubling.
            _capacity = op.AsWhile ? Math.Min(n, 64) : n;
            _buffer = torch.empty([_w + _capacity, .. _state], init.dtype, init.device);
            if (op.Reverse)
            {
                _buffer.narrow(0, _capacity, _w).copy_(init);
            }
            else
            {
                _buffer.narrow(0, 0, _w).copy_(init);
            }
        }

        private bool Ring => _op._lastOnly[_k] || _op._checkpointsOnly[_k];

        private long Row(long s) => Ring ? ((s % _w) + _w) % _w
            : _op.Reverse ? _n - 1 - s
            : _w + s;

        private bool Latest => _op._lastOnly[_k] && _w == 1;

        public torch.Tensor Read(long s) => Latest ? _buffer : _buffer.select(0, Row(s));

        public void Write(long s, torch.Tensor value)
        {
            CheckShape(value, _state, _label, $"recurrent output {_k}", s);
            if (Latest)
            {
                // The inner function's outputs are fresh tensors, never views of what it read.
                _buffer.Dispose();
                _buffer = value.MoveToOuterDisposeScope();
                return;
            }
            if (!Ring && s >= _capacity)
            {
                Grow();
            }
            _buffer.select(0, Row(s)).copy_(value);
            _checkpoints?.Write(s, value);
        }

        private void Grow()
        {
            long capacity = Math.Max(1, Math.Min(_n, _capacity * 2));
            var bigger = torch.empty([_w + capacity, .. _state], _buffer.dtype, _buffer.device).MoveToOuterDisposeScope();
            bigger.narrow(0, 0, _w + _capacity).copy_(_buffer);
            _buffer.Dispose();
            _buffer = bigger;
            _capacity = capacity;
        }

        public torch.Tensor Result(long steps)
        {
            if (Latest)
            {
                // After no step the latest value is the initial one, a view of an input: hand out a copy, since the
                // caller may write into what a loop returns.
                return steps == 0 ? _buffer.clone() : _buffer.alias();
            }
            if (_checkpoints is not null)
            {
                var last = Enumerable.Range(0, _w).Select(i => _buffer.select(0, Row(steps - _w + i))).ToArray();
                var result = _checkpoints.Result(steps, last);
                foreach (var view in last)
                {
                    view.Dispose();
                }
                _buffer.Dispose();
                return result;
            }
            if (_op._lastOnly[_k])
            {
                return _buffer.select(0, Row(steps - 1));
            }
            return steps == _capacity ? _buffer : _buffer.narrow(0, 0, _w + steps);
        }
    }

    /// <summary>
    /// The entries a checkpointed output keeps instead of its trace, laid out as <see cref="ScanCheckpoints"/> does:
    /// entry b holds Y(b·k - w) to Y(b·k - 1), the last entry the final w values. Entries are filled as the steps
    /// write the values they hold (initial values at the start), the last one when the loop ends.
    /// </summary>
    private sealed class Checkpoints
    {
        private readonly int _every;
        private readonly int _w;
        private readonly long _n;
        private readonly long[] _state;
        private torch.Tensor _buffer;
        private long _capacity;

        public Checkpoints(int every, int w, torch.Tensor init, long n, bool asWhile)
        {
            _every = every;
            _w = w;
            _n = n;
            _state = init.shape[1..];
            long entries = ScanCheckpoints.Entries(n, every);
            // A while loop does not know how many steps it runs: grow by doubling.
            _capacity = asWhile ? Math.Min(entries, 64) : entries;
            _buffer = torch.empty([_capacity, w, .. _state], init.dtype, init.device);
            // Entries that begin before the first step hold initial values: Y(j) for j < 0 is initial row w + j.
            for (long b = 0; b < _capacity && b * every < w; b++)
            {
                for (int i = 0; i < w; i++)
                {
                    long j = (b * every) - w + i;
                    if (j < 0)
                    {
                        using var entry = _buffer[b, i];
                        using var row = init[w + j];
                        entry.copy_(row);
                    }
                }
            }
        }

        /// <summary>Copies Y(s) into each entry that holds it (those b with b·k - w ≤ s &lt; b·k).</summary>
        public void Write(long s, torch.Tensor value)
        {
            long last = ScanCheckpoints.Entries(_n, _every) - 1;
            for (long b = (s / _every) + 1; b * _every - _w <= s && b <= last; b++)
            {
                if (b >= _capacity)
                {
                    Grow(b + 1, inStep: true);
                }
                _buffer[b, s - (b * _every) + _w].copy_(value);
            }
        }

        /// <summary>The entries for a loop that ran <paramref name="steps"/> steps, ending with <paramref name="final"/>.</summary>
        public torch.Tensor Result(long steps, torch.Tensor[] final)
        {
            long entries = ScanCheckpoints.Entries(steps, _every);
            if (entries > _capacity)
            {
                Grow(entries, inStep: false);
            }
            for (int i = 0; i < _w; i++)
            {
                using var entry = _buffer[entries - 1, i];
                entry.copy_(final[i]);
            }
            return entries == _capacity ? _buffer : _buffer.narrow(0, 0, entries);
        }

        /// <summary>A larger buffer; one allocated during a step leaves that step's scope.</summary>
        private void Grow(long atLeast, bool inStep)
        {
            long capacity = Math.Min(ScanCheckpoints.Entries(_n, _every), Math.Max(atLeast, _capacity * 2));
            var bigger = torch.empty([capacity, _w, .. _state], _buffer.dtype, _buffer.device);
            if (inStep)
            {
                bigger = bigger.MoveToOuterDisposeScope();
            }
            using (var head = bigger.narrow(0, 0, _capacity))
            {
                head.copy_(_buffer);
            }
            _buffer.Dispose();
            _buffer = bigger;
            _capacity = capacity;
        }
    }

    /// <summary>The rows of one map-like output (allocated at the first step, once its shape is known), or its last value.</summary>
    private sealed class MapOutput
    {
        private readonly Scan _op;
        private readonly int _m;
        private readonly long _n;
        private readonly string _label;
        private readonly torch.Device _device;
        private torch.Tensor? _buffer;
        private long[]? _shape;
        private long _capacity;

        public MapOutput(Scan op, int m, long n, string label, torch.Device device)
        {
            _op = op;
            _m = m;
            _n = n;
            _label = label;
            _device = device;
        }

        private bool LastOnly => _op._lastOnly[_op.NRec + _m];

        public void Write(long s, long t, torch.Tensor value)
        {
            if (_shape is null)
            {
                _shape = value.shape;
            }
            else
            {
                CheckShape(value, _shape, _label, $"output {_op.NRec + _m}", s);
            }
            if (LastOnly)
            {
                _buffer?.Dispose();
                _buffer = value.MoveToOuterDisposeScope();
                return;
            }
            if (_buffer is null)
            {
                _capacity = _op.AsWhile ? Math.Min(_n, 64) : _n;
                _buffer = torch.empty([_capacity, .. _shape], value.dtype, value.device).MoveToOuterDisposeScope();
            }
            else if (s >= _capacity)
            {
                long capacity = Math.Min(_n, _capacity * 2);
                var bigger = torch.empty([capacity, .. _shape], value.dtype, value.device).MoveToOuterDisposeScope();
                bigger.narrow(0, 0, _capacity).copy_(_buffer);
                _buffer.Dispose();
                _buffer = bigger;
                _capacity = capacity;
            }
            _buffer.select(0, t).copy_(value);
        }

        public torch.Tensor Result(long steps)
        {
            var type = _op._innerOutputs[_op.NRec + _m].Type;
            if (LastOnly)
            {
                return _buffer ?? throw new InvalidOperationException(
                    $"{_label}: no step ran, so output {_op.NRec + _m} has no last value");
            }
            if (_buffer is null)
            {
                // No step ran: zero rows, of the static shape (unknown lengths taken as 0).
                return torch.empty([0, .. type.Shape.Select(d => d ?? 0)], type.DType.ToTorch(), device: _device);
            }
            return steps == _capacity ? _buffer : _buffer.narrow(0, 0, steps);
        }
    }
}
