using System.Buffers.Binary;

namespace MaskedSiamese.Checkpoints;

// The opcode table of PickleScanner (pickle protocols 0-4, the ones torch.save writes), one method per family.
internal sealed partial class PickleScanner
{
    // Runs one opcode; false after STOP.
    private bool Step()
    {
        int op = ReadByte();
        if (op == '.') return false;
        if (!Constant(op) && !Container(op) && !StackOrMemo(op) && !Call(op))
            throw Refuse($"uses opcode 0x{op:x2}, which a checkpoint does not need");
        return true;
    }

    private bool Constant(int op)
    {
        switch (op)
        {
            case 0x80: Skip(1); break;                                 // PROTO
            case 0x95: Skip(8); break;                                 // FRAME
            case 'X': Push(ReadString(ReadLength(4))); break;          // BINUNICODE
            case 0x8c: Push(ReadString(ReadLength(1))); break;         // SHORT_BINUNICODE
            case 0x8d: Push(ReadString(ReadLength(8))); break;         // BINUNICODE8
            case 'V': Push(ReadLine()); break;                         // UNICODE
            case 'T' or 'B': Skip(ReadLength(4)); Push(Opaque); break; // BINSTRING, BINBYTES
            case 'U' or 'C': Skip(ReadLength(1)); Push(Opaque); break; // SHORT_BINSTRING, SHORT_BINBYTES
            case 0x8e: Skip(ReadLength(8)); Push(Opaque); break;       // BINBYTES8
            case 'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;
            case 'K': Push((long)ReadByte()); break;
            case 'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;
            case 0x8a: Push(SmallLong(ReadLength(1))); break;          // LONG1
            case 0x8b: Skip(ReadLength(4)); Push(Opaque); break;       // LONG4
            case 'I' or 'L': Push(TextNumber(ReadLine())); break;     // INT, LONG
            case 'G': Skip(8); Push(Opaque); break;                    // BINFLOAT
            case 'F': ReadLine(); Push(Opaque); break;                 // FLOAT
            case 'N' or 0x88 or 0x89: Push(Opaque); break;             // NONE, NEWTRUE, NEWFALSE
            case 'c': Push(new Global($"{ReadLine()}.{ReadLine()}")); break;   // GLOBAL
            default: return false;
        }
        return true;
    }

    private static object TextNumber(string line) =>
        long.TryParse(line.TrimEnd('L'), System.Globalization.NumberStyles.Integer,
            System.Globalization.CultureInfo.InvariantCulture, out long v) ? v : Opaque;

    private object SmallLong(long n)
    {
        if (n > 8)
        {
            Skip(n);
            return Opaque;
        }
        var b = ReadBytes((int)n);
        long v = n > 0 && (b[^1] & 0x80) != 0 ? -1 : 0;
        for (int i = (int)n - 1; i >= 0; i--) v = (v << 8) | b[i];
        return v;
    }

    private bool Container(int op)
    {
        switch (op)
        {
            case '(': Mark(); break;
            case '}' or ']' or 0x8f: Push(Opaque); break;              // EMPTY_DICT, EMPTY_LIST, EMPTY_SET
            case ')': Push(Array.Empty<object?>()); break;             // EMPTY_TUPLE
            case 't': Push(PopToMark()); break;                        // TUPLE
            case 0x85: Push(new[] { Pop() }); break;                   // TUPLE1
            case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
            case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }
            case 'l' or 'd' or 0x91: PopToMark(); Push(Opaque); break; // LIST, DICT, FROZENSET
            case 'a': Pop(); Peek(); break;                            // APPEND
            case 's': Pop(); Pop(); Peek(); break;                     // SETITEM
            case 'e' or 'u' or 0x90: PopToMark(); Peek(); break;       // APPENDS, SETITEMS, ADDITEMS
            default: return false;
        }
        return true;
    }

    private void Mark()
    {
        if (_stack.Count + _marks.Count >= MaxStackDepth) throw Refuse($"grows its stack past {MaxStackDepth} entries");
        _marks.Push(_stack.Count);
    }

    private bool StackOrMemo(int op)
    {
        switch (op)
        {
            case '2': Push(Peek()); break;                             // DUP
            case '0':                                                  // POP (a mark on top is popped too)
                if (_marks.Count > 0 && _marks.Peek() == _stack.Count) _marks.Pop();
                else Pop();
                break;
            case '1': PopToMark(); break;                              // POP_MARK
            case 'q': Memoize(ReadByte()); break;                      // BINPUT
            case 'r': Memoize(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))); break;
            case 'p': Memoize(ParseLine("memo key")); break;           // PUT
            case 0x94: Memoize(_memo.Count); break;                    // MEMOIZE
            case 'h': Push(Recall(ReadByte())); break;                 // BINGET
            case 'j': Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break;
            case 'g': Push(Recall(ParseLine("memo key"))); break;      // GET
            default: return false;
        }
        return true;
    }

    private bool Call(int op)
    {
        switch (op)
        {
            case 0x93: { var name = Pop(); var module = Pop(); Push(new Global($"{module}.{name}")); break; }
            case 'R' or 0x81: Pop(); Pop(); Push(Opaque); break;       // REDUCE, NEWOBJ
            case 0x92: Pop(); Pop(); Pop(); Push(Opaque); break;       // NEWOBJ_EX
            case 'b': Pop(); Peek(); break;                            // BUILD
            case 'o': PopToMark(); Push(Opaque); break;                // OBJ
            case 'i': ReadLine(); ReadLine(); PopToMark(); Push(Opaque); break;   // INST
            case 'Q': Persistent(Pop()); Push(Opaque); break;          // BINPERSID
            default: return false;
        }
        return true;
    }

    // torch.save's persistent id of a storage: ('storage', torch.<Type>Storage, key, location, numel).
    private void Persistent(object? pid)
    {
        if (pid is not object?[] { Length: >= 5 } t || t[0] is not "storage" || t[1] is not Global type ||
            t[2] is not string key || t[4] is not long count)
            throw Refuse("has a persistent id that is not a tensor storage");
        int size = ElementSize(type.Name) ?? throw Refuse($"names an unknown storage type {type.Name}");
        if (count < 0 || count > long.MaxValue / 16)
            throw Refuse($"claims {count} elements for storage '{key}'");
        _storages.Add(new StorageClaim(key, type.Name, count * size));
    }

    private static int? ElementSize(string storageType) => storageType switch
    {
        "torch.DoubleStorage" or "torch.LongStorage" or "torch.ComplexFloatStorage" => 8,
        "torch.FloatStorage" or "torch.IntStorage" => 4,
        "torch.HalfStorage" or "torch.ShortStorage" or "torch.BFloat16Storage" => 2,
        "torch.CharStorage" or "torch.ByteStorage" or "torch.BoolStorage" => 1,
        "torch.ComplexDoubleStorage" => 16,
        _ => null,
    };
}
