using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Pipeline.Host;

namespace BuildTests.Host;

/// <summary>
/// Which [Parameter] fields a target really reads: the IL of its Executes bodies and of everything on the build class
/// they call (lambdas, local functions, async and iterator state machines, property getters), and the members its
/// conditions and Requires name. Another target's getter (DependsOn(Manifest)) is not followed: that target reads its own.
/// </summary>
internal static class ParameterReadAnalysis
{
    public static IReadOnlySet<string> ReadsOf(ExecutableTarget target, Type buildType)
    {
        var walk = new Walk(buildType);
        foreach (var body in target.Definition.ActionBodies) walk.Visit(body.Method);
        foreach (var expression in target.Definition.StaticConditions.Concat<LambdaExpression>(target.Definition.DynamicConditions)
                     .Concat(target.Definition.Requirements))
            walk.VisitExpression(expression);
        return walk.Parameters;
    }

    sealed class Walk(Type buildType)
    {
        readonly HashSet<MethodBase> _visited = [];
        public HashSet<string> Parameters { get; } = new(StringComparer.Ordinal);

        public void VisitExpression(Expression expression) => new MemberFinder(this).Visit(expression);

        public void Visit(MethodBase method)
        {
            if (!InBuild(method.DeclaringType) || !_visited.Add(method)) return;
            if (method is MethodInfo { ReturnType: var returnType } && returnType == typeof(Target) && method.Name.StartsWith("get_", StringComparison.Ordinal)) return;
            if (method.GetCustomAttribute<StateMachineAttribute>() is { } stateMachine)
                Visit(stateMachine.StateMachineType.GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!);
            if (method.GetMethodBody()?.GetILAsByteArray() is not { } il) return;
            foreach (var (opCode, token) in Instructions(il))
            {
                if (Resolve(method, token) is not { } member) continue;
                if (member is FieldInfo field && opCode != OpCodes.Stfld && opCode != OpCodes.Stsfld) Note(field);
                else if (member is MethodBase called) Visit(called);
            }
        }

        public void Note(MemberInfo member)
        {
            if (member is FieldInfo field && field.GetCustomAttribute<ParameterAttribute>() is { } parameter && InBuild(field.DeclaringType))
                Parameters.Add(field.Name);
            else if (member is PropertyInfo { GetMethod: { } getter }) Visit(getter);
        }

        /// <summary>The build class and the compiler's types nested in it (closures, state machines).</summary>
        bool InBuild(Type? type)
        {
            for (; type is not null; type = type.DeclaringType)
                if (type == buildType) return true;
            return false;
        }

        static MemberInfo? Resolve(MethodBase method, int token)
        {
            try
            {
                return method.Module.ResolveMember(token, method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null,
                    method.IsGenericMethod ? method.GetGenericArguments() : null);
            }
            catch (ArgumentException) { return null; } // a token of another kind (a string, a signature)
        }
    }

    sealed class MemberFinder(Walk walk) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node)
        {
            walk.Note(node.Member);
            return base.VisitMember(node);
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            walk.Visit(node.Method);
            return base.VisitMethodCall(node);
        }
    }

    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>Each instruction that names a member (field, method or token) with its metadata token.</summary>
    static IEnumerable<(OpCode OpCode, int Token)> Instructions(byte[] il)
    {
        for (var i = 0; i < il.Length;)
        {
            var value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var opCode = OpCodesByValue[value];
            var size = opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            if (opCode.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok)
                yield return (opCode, BitConverter.ToInt32(il, i));
            i += size;
        }
    }
}
