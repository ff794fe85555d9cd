using Polc.Backends.Seccomp.Bpf;

namespace Polc.Backends.Seccomp.Codegen;

/// <summary>
/// Lays a <see cref="DecisionGraph"/> out as a BPF program. Test nodes come in reverse post-order (every
/// jump goes forward), each as `[ld word] [and mask] jXX K`; a jump from a node that leaves the accumulator
/// holding the needed word (or masked word) enters past the load (or the `and`), and a load or `and` no
/// path needs is not emitted. Every distinct return value is one shared `ret` at the end. A conditional
/// jump can reach 255 instructions ahead; a farther target gets a trampoline (<see cref="Resolve"/>).
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
        public BpfInstruction Instruction { get; } = instruction;

        public Slot? IfTrue { get; set; }

        public Slot? IfFalse { get; set; }
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
        return Resolve(slots);
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

    /// <summary>Final offsets, built from the last instruction back: a slot's distance from the end never changes
    /// once placed, so each jump is resolved in one pass. A target beyond reach gets a trampoline placed right
    /// after the jump: a copy of the `ret` it aims at, or a `ja` to it; later (earlier-placed) jumps reuse the
    /// nearest copy or `ja` for the same target while it is within reach.</summary>
    private static BpfInstruction[] Resolve(List<Slot> slots)
    {
        const int reach = byte.MaxValue;
        var placed = new List<BpfInstruction>();
        var fromEnd = new Dictionary<Slot, int>(ReferenceEqualityComparer.Instance);
        var nearestReturn = new Dictionary<uint, int>();
        var nearestJump = new Dictionary<Slot, int>(ReferenceEqualityComparer.Instance);
        int Nearest(Slot target) => target.Instruction.IsReturn
            ? Math.Max(fromEnd[target], nearestReturn[target.Instruction.K])
            : Math.Max(fromEnd[target], nearestJump.GetValueOrDefault(target, -1));
        void PlaceTrampoline(Slot target)
        {
            if (target.Instruction.IsReturn)
            {
                nearestReturn[target.Instruction.K] = placed.Count;
                placed.Add(target.Instruction);
            }
            else
            {
                nearestJump[target] = placed.Count;
                placed.Add(BpfInstruction.Jump((uint)(placed.Count - fromEnd[target] - 1)));
            }
        }
        for (var i = slots.Count - 1; i >= 0; i--)
        {
            var slot = slots[i];
            var instruction = slot.Instruction;
            if (slot.IfTrue is { } ifTrue && slot.IfFalse is { } ifFalse)
            {
                while (true)
                {
                    var here = placed.Count;
                    if (here - Nearest(ifTrue) - 1 > reach)
                    {
                        PlaceTrampoline(ifTrue);
                    }
                    else if (here - Nearest(ifFalse) - 1 > reach)
                    {
                        PlaceTrampoline(ifFalse);
                    }
                    else
                    {
                        instruction = instruction with { Jt = (byte)(here - Nearest(ifTrue) - 1), Jf = (byte)(here - Nearest(ifFalse) - 1) };
                        break;
                    }
                }
            }
            fromEnd[slot] = placed.Count;
            if (instruction.IsReturn)
            {
                nearestReturn[instruction.K] = placed.Count;
            }
            placed.Add(instruction);
        }
        placed.Reverse();
        return [.. placed];
    }
}
