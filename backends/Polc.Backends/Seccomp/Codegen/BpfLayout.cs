using Polc.Backends.Seccomp.Bpf;

namespace Polc.Backends.Seccomp.Codegen;

/// <summary>
/// Lays a <see cref="DecisionGraph"/> out as a BPF program. Test nodes come in reverse post-order (every
/// jump goes forward), each as `[ld word] [and mask] jXX K`; a jump from a node that leaves the accumulator
/// holding the needed word (or masked word) enters past the load (or the `and`), and a load or `and` no
/// path needs is not emitted. Every distinct return value is one shared `ret` at the end. A conditional
/// jump can reach 255 instructions ahead; a farther target gets a trampoline right after the jump: a copy of
/// the `ret` it aims at, or a `ja` (whose offset is 32 bits), reused by later jumps within reach.
/// </summary>
public static class BpfLayout
{
    private enum Entry
    {
        Load,
        And,
        Jump,
    }

    private sealed class Slot(BpfInstruction instruction)
    {
        public BpfInstruction Instruction { get; set; } = instruction;

        public Slot? IfTrue { get; set; }

        public Slot? IfFalse { get; set; }

        /// <summary>The target of a `ja` trampoline.</summary>
        public Slot? Always { get; set; }
    }

    public static BpfInstruction[] Lay(DecisionGraph graph, int root, bool bigEndian)
    {
        var order = TestOrder(graph, root, out var returns);
        var entries = EntriesUsed(graph, root, order);
        var slots = new List<Slot>();
        var labels = new Dictionary<(int Node, Entry Entry), Slot>();
        var jumps = new List<(Slot Slot, TestNode Node)>();
        foreach (var node in order)
        {
            var test = node.Test;
            var used = entries[node.Id];
            if (used.Contains(Entry.Load))
            {
                var load = new Slot(BpfInstruction.Load(test.Word.Offset(bigEndian)));
                slots.Add(load);
                labels[(node.Id, Entry.Load)] = load;
            }
            if (test.HasMask && (used.Contains(Entry.Load) || used.Contains(Entry.And)))
            {
                var and = new Slot(BpfInstruction.And(test.Mask));
                slots.Add(and);
                labels.TryAdd((node.Id, Entry.Load), and);
                labels[(node.Id, Entry.And)] = and;
            }
            var jump = new Slot(BpfInstruction.Branch(test.JumpOp, test.K, 0, 0));
            slots.Add(jump);
            labels.TryAdd((node.Id, Entry.Load), jump);
            labels.TryAdd((node.Id, Entry.And), jump);
            labels[(node.Id, Entry.Jump)] = jump;
            jumps.Add((jump, node));
        }
        foreach (var ret in returns)
        {
            var slot = new Slot(BpfInstruction.Return(ret.Value));
            slots.Add(slot);
            labels[(ret.Id, Entry.Load)] = slot;
        }
        foreach (var (slot, node) in jumps)
        {
            slot.IfTrue = labels[(node.IfTrue, EntryFrom(graph, node, node.IfTrue))];
            slot.IfFalse = labels[(node.IfFalse, EntryFrom(graph, node, node.IfFalse))];
        }
        AddTrampolines(slots);
        return Encode(slots);
    }

    /// <summary>Test nodes in reverse post-order of a depth-first walk that visits the true successor first,
    /// so a node's false successor tends to follow it; returns in order of first use.</summary>
    private static List<TestNode> TestOrder(DecisionGraph graph, int root, out List<ReturnNode> returns)
    {
        var post = new List<TestNode>();
        var seenReturns = new List<ReturnNode>();
        var visited = new HashSet<int>();
        var stack = new Stack<(int Node, bool Expanded)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (id, expanded) = stack.Pop();
            if (expanded)
            {
                post.Add((TestNode)graph[id]);
                continue;
            }
            if (!visited.Add(id))
            {
                continue;
            }
            switch (graph[id])
            {
                case ReturnNode ret:
                    seenReturns.Add(ret);
                    break;
                case TestNode test:
                    stack.Push((id, true));
                    stack.Push((test.IfFalse, false));
                    stack.Push((test.IfTrue, false));
                    break;
            }
        }
        post.Reverse();
        var position = post.Select((n, i) => (n.Id, i)).ToDictionary(p => p.Id, p => p.i);
        // Returns sorted by the position of their first user keeps the early ones near.
        returns = seenReturns.OrderBy(r => FirstUser(post, position, r.Id)).ThenBy(r => r.Value).ToList();
        return post;
    }

    private static int FirstUser(List<TestNode> order, Dictionary<int, int> position, int id)
    {
        var first = order.FirstOrDefault(n => n.IfTrue == id || n.IfFalse == id);
        return first is null ? -1 : position[first.Id];
    }

    private static Dictionary<int, HashSet<Entry>> EntriesUsed(DecisionGraph graph, int root, List<TestNode> order)
    {
        var used = order.ToDictionary(n => n.Id, _ => new HashSet<Entry>());
        if (used.TryGetValue(root, out var rootEntries))
        {
            rootEntries.Add(Entry.Load);
        }
        foreach (var node in order)
        {
            foreach (var successor in new[] { node.IfTrue, node.IfFalse })
            {
                if (used.TryGetValue(successor, out var entries))
                {
                    entries.Add(EntryFrom(graph, node, successor));
                }
            }
        }
        return used;
    }

    private static Entry EntryFrom(DecisionGraph graph, TestNode from, int to)
    {
        if (graph[to] is not TestNode next)
        {
            return Entry.Load;
        }
        var held = from.Test.Accumulator;
        if (held.Word != next.Test.Word)
        {
            return Entry.Load;
        }
        if (held.Mask == next.Test.Accumulator.Mask)
        {
            return Entry.Jump;
        }
        return held.Mask == WordTest.NoMask ? Entry.And : Entry.Load;
    }

    private static void AddTrampolines(List<Slot> slots)
    {
        const int reach = byte.MaxValue;
        while (true)
        {
            var index = new Dictionary<Slot, int>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < slots.Count; i++)
            {
                index[slots[i]] = i;
            }
            var fixedOne = false;
            for (var i = 0; i < slots.Count && !fixedOne; i++)
            {
                var slot = slots[i];
                foreach (var isTrue in new[] { true, false })
                {
                    var target = isTrue ? slot.IfTrue : slot.IfFalse;
                    if (target is null || index[target] - i - 1 <= reach)
                    {
                        continue;
                    }
                    var trampoline = FindTrampoline(slots, i, target) ?? InsertTrampoline(slots, i, target);
                    if (isTrue) slot.IfTrue = trampoline; else slot.IfFalse = trampoline;
                    fixedOne = true;
                    break;
                }
            }
            if (!fixedOne)
            {
                return;
            }
        }
    }

    private static Slot? FindTrampoline(List<Slot> slots, int from, Slot target)
    {
        for (var i = from + 1; i < slots.Count && i - from - 1 <= byte.MaxValue; i++)
        {
            var slot = slots[i];
            if (slot.Always == target || (target.Instruction.IsReturn && slot.Instruction == target.Instruction && slot.IfTrue is null))
            {
                return slot;
            }
        }
        return null;
    }

    private static Slot InsertTrampoline(List<Slot> slots, int after, Slot target)
    {
        var trampoline = target.Instruction.IsReturn
            ? new Slot(target.Instruction)
            : new Slot(BpfInstruction.Jump(0)) { Always = target };
        slots.Insert(after + 1, trampoline);
        return trampoline;
    }

    private static BpfInstruction[] Encode(List<Slot> slots)
    {
        var index = new Dictionary<Slot, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < slots.Count; i++)
        {
            index[slots[i]] = i;
        }
        var program = new BpfInstruction[slots.Count];
        for (var i = 0; i < slots.Count; i++)
        {
            var slot = slots[i];
            var insn = slot.Instruction;
            if (slot.Always is { } always)
            {
                insn = insn with { K = (uint)(index[always] - i - 1) };
            }
            else if (slot.IfTrue is { } ifTrue && slot.IfFalse is { } ifFalse)
            {
                insn = insn with { Jt = (byte)(index[ifTrue] - i - 1), Jf = (byte)(index[ifFalse] - i - 1) };
            }
            program[i] = insn;
        }
        return program;
    }
}
