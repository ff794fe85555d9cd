using Polc.Compiler.Ir;

namespace Polc.Backends.DockerSeccomp;

/// <summary>A product of per-argument value sets (ids in a <see cref="ValueSets"/> store): the argument
/// vectors whose every argument lies in its set. <see cref="ValueSets.All"/> leaves an argument free.</summary>
public readonly record struct ArgumentCube(int S0, int S1, int S2, int S3, int S4, int S5)
{
    public const int Arity = 6;

    public static ArgumentCube Everything { get; } = new(ValueSets.All, ValueSets.All, ValueSets.All, ValueSets.All, ValueSets.All, ValueSets.All);

    public int this[int index] => index switch
    {
        0 => S0,
        1 => S1,
        2 => S2,
        3 => S3,
        4 => S4,
        5 => S5,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public ArgumentCube With(int index, int set) => index switch
    {
        0 => this with { S0 = set },
        1 => this with { S1 = set },
        2 => this with { S2 = set },
        3 => this with { S3 = set },
        4 => this with { S4 = set },
        5 => this with { S5 = set },
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public bool IsEmpty => S0 == ValueSets.Empty || S1 == ValueSets.Empty || S2 == ValueSets.Empty
        || S3 == ValueSets.Empty || S4 == ValueSets.Empty || S5 == ValueSets.Empty;

    public bool IsEverything => this == Everything;

    public IEnumerable<int> ConstrainedArguments()
    {
        for (var i = 0; i < Arity; i++)
        {
            if (this[i] != ValueSets.All)
            {
                yield return i;
            }
        }
    }

    public bool Contains(ValueSets sets, IReadOnlyList<ulong> args)
    {
        for (var i = 0; i < Arity; i++)
        {
            if (this[i] != ValueSets.All && !sets.Contains(this[i], i < args.Count ? args[i] : 0))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>Unions of <see cref="ArgumentCube"/>s: conditions turned into sets, intersection, difference, merging.</summary>
public sealed class CubeAlgebra(ValueSets sets, int limit)
{
    public ValueSets Sets { get; } = sets;

    /// <summary>The most cubes any intermediate union may hold before <see cref="TooLargeException"/>.</summary>
    public int Limit { get; } = limit;

    public sealed class TooLargeException(int count) : Exception($"{count} cubes")
    {
        public int Count { get; } = count;
    }

    public ArgumentCube Intersect(ArgumentCube a, ArgumentCube b) => new(
        Sets.And(a.S0, b.S0), Sets.And(a.S1, b.S1), Sets.And(a.S2, b.S2),
        Sets.And(a.S3, b.S3), Sets.And(a.S4, b.S4), Sets.And(a.S5, b.S5));

    /// <summary>a minus b as disjoint cubes: for each argument b constrains, the vectors that satisfy b's
    /// sets on the earlier arguments and leave its set on this one.</summary>
    public IEnumerable<ArgumentCube> Subtract(ArgumentCube a, ArgumentCube b)
    {
        var prefix = a;
        foreach (var index in b.ConstrainedArguments())
        {
            var outside = prefix.With(index, Sets.Minus(prefix[index], b[index]));
            if (!outside.IsEmpty)
            {
                yield return outside;
            }
            prefix = prefix.With(index, Sets.And(prefix[index], b[index]));
            if (prefix.IsEmpty)
            {
                yield break;
            }
        }
    }

    /// <summary>The argument vectors where a condition holds, as a union of cubes (not necessarily disjoint).</summary>
    public List<ArgumentCube> FromCondition(ConditionIr condition)
    {
        switch (condition)
        {
            case CompareConditionIr compare:
                var set = Sets.Compare(compare.Mask, compare.Op, compare.Value);
                return set == ValueSets.Empty ? [] : [ArgumentCube.Everything.With(compare.Arg, set)];
            case OrConditionIr any:
                return Merge(any.Operands.SelectMany(FromCondition).ToList());
            case AndConditionIr all:
                var product = new List<ArgumentCube> { ArgumentCube.Everything };
                foreach (var operand in all.Operands)
                {
                    var cubes = FromCondition(operand);
                    product = Merge(product.SelectMany(p => cubes.Select(c => Intersect(p, c))).Where(c => !c.IsEmpty).ToList());
                    Check(product.Count);
                }
                return product;
            case NotConditionIr negated:
                return Complement(FromCondition(negated.Operand));
            default:
                throw new ArgumentOutOfRangeException(nameof(condition));
        }
    }

    /// <summary>Everything outside a union, as disjoint cubes.</summary>
    public List<ArgumentCube> Complement(IEnumerable<ArgumentCube> union)
    {
        var remaining = new List<ArgumentCube> { ArgumentCube.Everything };
        foreach (var cube in union)
        {
            remaining = Merge(remaining.SelectMany(r => Subtract(r, cube)).ToList());
            Check(remaining.Count);
        }
        return remaining;
    }

    /// <summary>Fewer cubes for the same union: duplicates dropped, and cubes that agree on all
    /// arguments but one joined into one cube with the union of that argument's sets.</summary>
    public List<ArgumentCube> Merge(List<ArgumentCube> cubes)
    {
        var changed = true;
        while (changed && cubes.Count > 1)
        {
            changed = false;
            for (var index = 0; index < ArgumentCube.Arity; index++)
            {
                var groups = new Dictionary<ArgumentCube, int>();
                var merged = new List<ArgumentCube>(cubes.Count);
                foreach (var cube in cubes)
                {
                    var key = cube.With(index, ValueSets.Empty);
                    if (groups.TryGetValue(key, out var at))
                    {
                        merged[at] = merged[at].With(index, Sets.Or(merged[at][index], cube[index]));
                        changed = true;
                    }
                    else
                    {
                        groups[key] = merged.Count;
                        merged.Add(cube);
                    }
                }
                cubes = merged;
            }
        }
        return cubes;
    }

    private void Check(int count)
    {
        if (count > Limit)
        {
            throw new TooLargeException(count);
        }
    }
}
