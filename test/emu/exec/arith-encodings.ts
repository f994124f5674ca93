/**
 * Real machine-code encodings for the arithmetic tests, assembled with
 * `as --64` (Intel syntax) and disassembled with `objdump -d -M intel`; the
 * disassembly is the comment on each row. Conventions: the destination
 * register is rCX (or rAX for the accumulator forms), the source register
 * rDX, the memory operand [rbx] (RBX = DATA in the tests).
 */

export type AluOp = 'add' | 'or' | 'adc' | 'sbb' | 'and' | 'sub' | 'xor' | 'cmp' | 'test';
/** rm_r: E=rCX ← op G=rDX; m_r: [rbx] ← op rDX; r_rm: G=rCX ← op E=rDX; r_m: rCX ← op [rbx];
 *  rm_i / acc_i / m_i: rCX / rAX / [rbx] ← op imm. */
export type AluForm = 'rm_r' | 'm_r' | 'r_rm' | 'r_m' | 'rm_i' | 'acc_i' | 'm_i';
export type AluRow = readonly [AluOp, number, AluForm, bigint, readonly number[]];

/** The eight ALU operations in every encoding (00–3D, 80, 81, 83) at 8/16/32/64 bits. */
export const ALU_ROWS: readonly AluRow[] = [
  ['add', 8, 'rm_r', 0n, [0x00, 0xd1]], // add    cl,dl
  ['add', 8, 'm_r', 0n, [0x00, 0x13]], // add    BYTE PTR [rbx],dl
  ['add', 8, 'r_rm', 0n, [0x02, 0xca]], // add    cl,dl
  ['add', 8, 'r_m', 0n, [0x02, 0x0b]], // add    cl,BYTE PTR [rbx]
  ['add', 8, 'rm_i', 129n, [0x80, 0xc1, 0x81]], // add    cl,0x81
  ['add', 8, 'acc_i', 129n, [0x04, 0x81]], // add    al,0x81
  ['add', 8, 'm_i', 129n, [0x80, 0x03, 0x81]], // add    BYTE PTR [rbx],0x81
  ['add', 8, 'rm_i', 127n, [0x80, 0xc1, 0x7f]], // add    cl,0x7f
  ['add', 16, 'rm_r', 0n, [0x66, 0x01, 0xd1]], // add    cx,dx
  ['add', 16, 'm_r', 0n, [0x66, 0x01, 0x13]], // add    WORD PTR [rbx],dx
  ['add', 16, 'r_rm', 0n, [0x66, 0x03, 0xca]], // add    cx,dx
  ['add', 16, 'r_m', 0n, [0x66, 0x03, 0x0b]], // add    cx,WORD PTR [rbx]
  ['add', 16, 'rm_i', 32769n, [0x66, 0x81, 0xc1, 0x01, 0x80]], // add    cx,0x8001
  ['add', 16, 'acc_i', 32769n, [0x66, 0x05, 0x01, 0x80]], // add    ax,0x8001
  ['add', 16, 'm_i', 32769n, [0x66, 0x81, 0x03, 0x01, 0x80]], // add    WORD PTR [rbx],0x8001
  ['add', 16, 'rm_i', 127n, [0x66, 0x83, 0xc1, 0x7f]], // add    cx,0x7f
  ['add', 16, 'm_i', 127n, [0x66, 0x83, 0x03, 0x7f]], // add    WORD PTR [rbx],0x7f
  ['add', 16, 'rm_i', -128n, [0x66, 0x83, 0xc1, 0x80]], // add    cx,0xff80
  ['add', 16, 'm_i', -128n, [0x66, 0x83, 0x03, 0x80]], // add    WORD PTR [rbx],0xff80
  ['add', 32, 'rm_r', 0n, [0x01, 0xd1]], // add    ecx,edx
  ['add', 32, 'm_r', 0n, [0x01, 0x13]], // add    DWORD PTR [rbx],edx
  ['add', 32, 'r_rm', 0n, [0x03, 0xca]], // add    ecx,edx
  ['add', 32, 'r_m', 0n, [0x03, 0x0b]], // add    ecx,DWORD PTR [rbx]
  ['add', 32, 'rm_i', 2147483649n, [0x81, 0xc1, 0x01, 0x00, 0x00, 0x80]], // add    ecx,0x80000001
  ['add', 32, 'acc_i', 2147483649n, [0x05, 0x01, 0x00, 0x00, 0x80]], // add    eax,0x80000001
  ['add', 32, 'm_i', 2147483649n, [0x81, 0x03, 0x01, 0x00, 0x00, 0x80]], // add    DWORD PTR [rbx],0x80000001
  ['add', 32, 'rm_i', 127n, [0x83, 0xc1, 0x7f]], // add    ecx,0x7f
  ['add', 32, 'm_i', 127n, [0x83, 0x03, 0x7f]], // add    DWORD PTR [rbx],0x7f
  ['add', 32, 'rm_i', -128n, [0x83, 0xc1, 0x80]], // add    ecx,0xffffff80
  ['add', 32, 'm_i', -128n, [0x83, 0x03, 0x80]], // add    DWORD PTR [rbx],0xffffff80
  ['add', 64, 'rm_r', 0n, [0x48, 0x01, 0xd1]], // add    rcx,rdx
  ['add', 64, 'm_r', 0n, [0x48, 0x01, 0x13]], // add    QWORD PTR [rbx],rdx
  ['add', 64, 'r_rm', 0n, [0x48, 0x03, 0xca]], // add    rcx,rdx
  ['add', 64, 'r_m', 0n, [0x48, 0x03, 0x0b]], // add    rcx,QWORD PTR [rbx]
  ['add', 64, 'rm_i', -2147483647n, [0x48, 0x81, 0xc1, 0x01, 0x00, 0x00, 0x80]], // add    rcx,0xffffffff80000001
  ['add', 64, 'acc_i', -2147483647n, [0x48, 0x05, 0x01, 0x00, 0x00, 0x80]], // add    rax,0xffffffff80000001
  ['add', 64, 'm_i', -2147483647n, [0x48, 0x81, 0x03, 0x01, 0x00, 0x00, 0x80]], // add    QWORD PTR [rbx],0xffffffff80000001
  ['add', 64, 'rm_i', 127n, [0x48, 0x83, 0xc1, 0x7f]], // add    rcx,0x7f
  ['add', 64, 'm_i', 127n, [0x48, 0x83, 0x03, 0x7f]], // add    QWORD PTR [rbx],0x7f
  ['add', 64, 'rm_i', -128n, [0x48, 0x83, 0xc1, 0x80]], // add    rcx,0xffffffffffffff80
  ['add', 64, 'm_i', -128n, [0x48, 0x83, 0x03, 0x80]], // add    QWORD PTR [rbx],0xffffffffffffff80
  ['or', 8, 'rm_r', 0n, [0x08, 0xd1]], // or     cl,dl
  ['or', 8, 'm_r', 0n, [0x08, 0x13]], // or     BYTE PTR [rbx],dl
  ['or', 8, 'r_rm', 0n, [0x0a, 0xca]], // or     cl,dl
  ['or', 8, 'r_m', 0n, [0x0a, 0x0b]], // or     cl,BYTE PTR [rbx]
  ['or', 8, 'rm_i', 129n, [0x80, 0xc9, 0x81]], // or     cl,0x81
  ['or', 8, 'acc_i', 129n, [0x0c, 0x81]], // or     al,0x81
  ['or', 8, 'm_i', 129n, [0x80, 0x0b, 0x81]], // or     BYTE PTR [rbx],0x81
  ['or', 8, 'rm_i', 127n, [0x80, 0xc9, 0x7f]], // or     cl,0x7f
  ['or', 16, 'rm_r', 0n, [0x66, 0x09, 0xd1]], // or     cx,dx
  ['or', 16, 'm_r', 0n, [0x66, 0x09, 0x13]], // or     WORD PTR [rbx],dx
  ['or', 16, 'r_rm', 0n, [0x66, 0x0b, 0xca]], // or     cx,dx
  ['or', 16, 'r_m', 0n, [0x66, 0x0b, 0x0b]], // or     cx,WORD PTR [rbx]
  ['or', 16, 'rm_i', 32769n, [0x66, 0x81, 0xc9, 0x01, 0x80]], // or     cx,0x8001
  ['or', 16, 'acc_i', 32769n, [0x66, 0x0d, 0x01, 0x80]], // or     ax,0x8001
  ['or', 16, 'm_i', 32769n, [0x66, 0x81, 0x0b, 0x01, 0x80]], // or     WORD PTR [rbx],0x8001
  ['or', 16, 'rm_i', 127n, [0x66, 0x83, 0xc9, 0x7f]], // or     cx,0x7f
  ['or', 16, 'm_i', 127n, [0x66, 0x83, 0x0b, 0x7f]], // or     WORD PTR [rbx],0x7f
  ['or', 16, 'rm_i', -128n, [0x66, 0x83, 0xc9, 0x80]], // or     cx,0xff80
  ['or', 16, 'm_i', -128n, [0x66, 0x83, 0x0b, 0x80]], // or     WORD PTR [rbx],0xff80
  ['or', 32, 'rm_r', 0n, [0x09, 0xd1]], // or     ecx,edx
  ['or', 32, 'm_r', 0n, [0x09, 0x13]], // or     DWORD PTR [rbx],edx
  ['or', 32, 'r_rm', 0n, [0x0b, 0xca]], // or     ecx,edx
  ['or', 32, 'r_m', 0n, [0x0b, 0x0b]], // or     ecx,DWORD PTR [rbx]
  ['or', 32, 'rm_i', 2147483649n, [0x81, 0xc9, 0x01, 0x00, 0x00, 0x80]], // or     ecx,0x80000001
  ['or', 32, 'acc_i', 2147483649n, [0x0d, 0x01, 0x00, 0x00, 0x80]], // or     eax,0x80000001
  ['or', 32, 'm_i', 2147483649n, [0x81, 0x0b, 0x01, 0x00, 0x00, 0x80]], // or     DWORD PTR [rbx],0x80000001
  ['or', 32, 'rm_i', 127n, [0x83, 0xc9, 0x7f]], // or     ecx,0x7f
  ['or', 32, 'm_i', 127n, [0x83, 0x0b, 0x7f]], // or     DWORD PTR [rbx],0x7f
  ['or', 32, 'rm_i', -128n, [0x83, 0xc9, 0x80]], // or     ecx,0xffffff80
  ['or', 32, 'm_i', -128n, [0x83, 0x0b, 0x80]], // or     DWORD PTR [rbx],0xffffff80
  ['or', 64, 'rm_r', 0n, [0x48, 0x09, 0xd1]], // or     rcx,rdx
  ['or', 64, 'm_r', 0n, [0x48, 0x09, 0x13]], // or     QWORD PTR [rbx],rdx
  ['or', 64, 'r_rm', 0n, [0x48, 0x0b, 0xca]], // or     rcx,rdx
  ['or', 64, 'r_m', 0n, [0x48, 0x0b, 0x0b]], // or     rcx,QWORD PTR [rbx]
  ['or', 64, 'rm_i', -2147483647n, [0x48, 0x81, 0xc9, 0x01, 0x00, 0x00, 0x80]], // or     rcx,0xffffffff80000001
  ['or', 64, 'acc_i', -2147483647n, [0x48, 0x0d, 0x01, 0x00, 0x00, 0x80]], // or     rax,0xffffffff80000001
  ['or', 64, 'm_i', -2147483647n, [0x48, 0x81, 0x0b, 0x01, 0x00, 0x00, 0x80]], // or     QWORD PTR [rbx],0xffffffff80000001
  ['or', 64, 'rm_i', 127n, [0x48, 0x83, 0xc9, 0x7f]], // or     rcx,0x7f
  ['or', 64, 'm_i', 127n, [0x48, 0x83, 0x0b, 0x7f]], // or     QWORD PTR [rbx],0x7f
  ['or', 64, 'rm_i', -128n, [0x48, 0x83, 0xc9, 0x80]], // or     rcx,0xffffffffffffff80
  ['or', 64, 'm_i', -128n, [0x48, 0x83, 0x0b, 0x80]], // or     QWORD PTR [rbx],0xffffffffffffff80
  ['adc', 8, 'rm_r', 0n, [0x10, 0xd1]], // adc    cl,dl
  ['adc', 8, 'm_r', 0n, [0x10, 0x13]], // adc    BYTE PTR [rbx],dl
  ['adc', 8, 'r_rm', 0n, [0x12, 0xca]], // adc    cl,dl
  ['adc', 8, 'r_m', 0n, [0x12, 0x0b]], // adc    cl,BYTE PTR [rbx]
  ['adc', 8, 'rm_i', 129n, [0x80, 0xd1, 0x81]], // adc    cl,0x81
  ['adc', 8, 'acc_i', 129n, [0x14, 0x81]], // adc    al,0x81
  ['adc', 8, 'm_i', 129n, [0x80, 0x13, 0x81]], // adc    BYTE PTR [rbx],0x81
  ['adc', 8, 'rm_i', 127n, [0x80, 0xd1, 0x7f]], // adc    cl,0x7f
  ['adc', 16, 'rm_r', 0n, [0x66, 0x11, 0xd1]], // adc    cx,dx
  ['adc', 16, 'm_r', 0n, [0x66, 0x11, 0x13]], // adc    WORD PTR [rbx],dx
  ['adc', 16, 'r_rm', 0n, [0x66, 0x13, 0xca]], // adc    cx,dx
  ['adc', 16, 'r_m', 0n, [0x66, 0x13, 0x0b]], // adc    cx,WORD PTR [rbx]
  ['adc', 16, 'rm_i', 32769n, [0x66, 0x81, 0xd1, 0x01, 0x80]], // adc    cx,0x8001
  ['adc', 16, 'acc_i', 32769n, [0x66, 0x15, 0x01, 0x80]], // adc    ax,0x8001
  ['adc', 16, 'm_i', 32769n, [0x66, 0x81, 0x13, 0x01, 0x80]], // adc    WORD PTR [rbx],0x8001
  ['adc', 16, 'rm_i', 127n, [0x66, 0x83, 0xd1, 0x7f]], // adc    cx,0x7f
  ['adc', 16, 'm_i', 127n, [0x66, 0x83, 0x13, 0x7f]], // adc    WORD PTR [rbx],0x7f
  ['adc', 16, 'rm_i', -128n, [0x66, 0x83, 0xd1, 0x80]], // adc    cx,0xff80
  ['adc', 16, 'm_i', -128n, [0x66, 0x83, 0x13, 0x80]], // adc    WORD PTR [rbx],0xff80
  ['adc', 32, 'rm_r', 0n, [0x11, 0xd1]], // adc    ecx,edx
  ['adc', 32, 'm_r', 0n, [0x11, 0x13]], // adc    DWORD PTR [rbx],edx
  ['adc', 32, 'r_rm', 0n, [0x13, 0xca]], // adc    ecx,edx
  ['adc', 32, 'r_m', 0n, [0x13, 0x0b]], // adc    ecx,DWORD PTR [rbx]
  ['adc', 32, 'rm_i', 2147483649n, [0x81, 0xd1, 0x01, 0x00, 0x00, 0x80]], // adc    ecx,0x80000001
  ['adc', 32, 'acc_i', 2147483649n, [0x15, 0x01, 0x00, 0x00, 0x80]], // adc    eax,0x80000001
  ['adc', 32, 'm_i', 2147483649n, [0x81, 0x13, 0x01, 0x00, 0x00, 0x80]], // adc    DWORD PTR [rbx],0x80000001
  ['adc', 32, 'rm_i', 127n, [0x83, 0xd1, 0x7f]], // adc    ecx,0x7f
  ['adc', 32, 'm_i', 127n, [0x83, 0x13, 0x7f]], // adc    DWORD PTR [rbx],0x7f
  ['adc', 32, 'rm_i', -128n, [0x83, 0xd1, 0x80]], // adc    ecx,0xffffff80
  ['adc', 32, 'm_i', -128n, [0x83, 0x13, 0x80]], // adc    DWORD PTR [rbx],0xffffff80
  ['adc', 64, 'rm_r', 0n, [0x48, 0x11, 0xd1]], // adc    rcx,rdx
  ['adc', 64, 'm_r', 0n, [0x48, 0x11, 0x13]], // adc    QWORD PTR [rbx],rdx
  ['adc', 64, 'r_rm', 0n, [0x48, 0x13, 0xca]], // adc    rcx,rdx
  ['adc', 64, 'r_m', 0n, [0x48, 0x13, 0x0b]], // adc    rcx,QWORD PTR [rbx]
  ['adc', 64, 'rm_i', -2147483647n, [0x48, 0x81, 0xd1, 0x01, 0x00, 0x00, 0x80]], // adc    rcx,0xffffffff80000001
  ['adc', 64, 'acc_i', -2147483647n, [0x48, 0x15, 0x01, 0x00, 0x00, 0x80]], // adc    rax,0xffffffff80000001
  ['adc', 64, 'm_i', -2147483647n, [0x48, 0x81, 0x13, 0x01, 0x00, 0x00, 0x80]], // adc    QWORD PTR [rbx],0xffffffff80000001
  ['adc', 64, 'rm_i', 127n, [0x48, 0x83, 0xd1, 0x7f]], // adc    rcx,0x7f
  ['adc', 64, 'm_i', 127n, [0x48, 0x83, 0x13, 0x7f]], // adc    QWORD PTR [rbx],0x7f
  ['adc', 64, 'rm_i', -128n, [0x48, 0x83, 0xd1, 0x80]], // adc    rcx,0xffffffffffffff80
  ['adc', 64, 'm_i', -128n, [0x48, 0x83, 0x13, 0x80]], // adc    QWORD PTR [rbx],0xffffffffffffff80
  ['sbb', 8, 'rm_r', 0n, [0x18, 0xd1]], // sbb    cl,dl
  ['sbb', 8, 'm_r', 0n, [0x18, 0x13]], // sbb    BYTE PTR [rbx],dl
  ['sbb', 8, 'r_rm', 0n, [0x1a, 0xca]], // sbb    cl,dl
  ['sbb', 8, 'r_m', 0n, [0x1a, 0x0b]], // sbb    cl,BYTE PTR [rbx]
  ['sbb', 8, 'rm_i', 129n, [0x80, 0xd9, 0x81]], // sbb    cl,0x81
  ['sbb', 8, 'acc_i', 129n, [0x1c, 0x81]], // sbb    al,0x81
  ['sbb', 8, 'm_i', 129n, [0x80, 0x1b, 0x81]], // sbb    BYTE PTR [rbx],0x81
  ['sbb', 8, 'rm_i', 127n, [0x80, 0xd9, 0x7f]], // sbb    cl,0x7f
  ['sbb', 16, 'rm_r', 0n, [0x66, 0x19, 0xd1]], // sbb    cx,dx
  ['sbb', 16, 'm_r', 0n, [0x66, 0x19, 0x13]], // sbb    WORD PTR [rbx],dx
  ['sbb', 16, 'r_rm', 0n, [0x66, 0x1b, 0xca]], // sbb    cx,dx
  ['sbb', 16, 'r_m', 0n, [0x66, 0x1b, 0x0b]], // sbb    cx,WORD PTR [rbx]
  ['sbb', 16, 'rm_i', 32769n, [0x66, 0x81, 0xd9, 0x01, 0x80]], // sbb    cx,0x8001
  ['sbb', 16, 'acc_i', 32769n, [0x66, 0x1d, 0x01, 0x80]], // sbb    ax,0x8001
  ['sbb', 16, 'm_i', 32769n, [0x66, 0x81, 0x1b, 0x01, 0x80]], // sbb    WORD PTR [rbx],0x8001
  ['sbb', 16, 'rm_i', 127n, [0x66, 0x83, 0xd9, 0x7f]], // sbb    cx,0x7f
  ['sbb', 16, 'm_i', 127n, [0x66, 0x83, 0x1b, 0x7f]], // sbb    WORD PTR [rbx],0x7f
  ['sbb', 16, 'rm_i', -128n, [0x66, 0x83, 0xd9, 0x80]], // sbb    cx,0xff80
  ['sbb', 16, 'm_i', -128n, [0x66, 0x83, 0x1b, 0x80]], // sbb    WORD PTR [rbx],0xff80
  ['sbb', 32, 'rm_r', 0n, [0x19, 0xd1]], // sbb    ecx,edx
  ['sbb', 32, 'm_r', 0n, [0x19, 0x13]], // sbb    DWORD PTR [rbx],edx
  ['sbb', 32, 'r_rm', 0n, [0x1b, 0xca]], // sbb    ecx,edx
  ['sbb', 32, 'r_m', 0n, [0x1b, 0x0b]], // sbb    ecx,DWORD PTR [rbx]
  ['sbb', 32, 'rm_i', 2147483649n, [0x81, 0xd9, 0x01, 0x00, 0x00, 0x80]], // sbb    ecx,0x80000001
  ['sbb', 32, 'acc_i', 2147483649n, [0x1d, 0x01, 0x00, 0x00, 0x80]], // sbb    eax,0x80000001
  ['sbb', 32, 'm_i', 2147483649n, [0x81, 0x1b, 0x01, 0x00, 0x00, 0x80]], // sbb    DWORD PTR [rbx],0x80000001
  ['sbb', 32, 'rm_i', 127n, [0x83, 0xd9, 0x7f]], // sbb    ecx,0x7f
  ['sbb', 32, 'm_i', 127n, [0x83, 0x1b, 0x7f]], // sbb    DWORD PTR [rbx],0x7f
  ['sbb', 32, 'rm_i', -128n, [0x83, 0xd9, 0x80]], // sbb    ecx,0xffffff80
  ['sbb', 32, 'm_i', -128n, [0x83, 0x1b, 0x80]], // sbb    DWORD PTR [rbx],0xffffff80
  ['sbb', 64, 'rm_r', 0n, [0x48, 0x19, 0xd1]], // sbb    rcx,rdx
  ['sbb', 64, 'm_r', 0n, [0x48, 0x19, 0x13]], // sbb    QWORD PTR [rbx],rdx
  ['sbb', 64, 'r_rm', 0n, [0x48, 0x1b, 0xca]], // sbb    rcx,rdx
  ['sbb', 64, 'r_m', 0n, [0x48, 0x1b, 0x0b]], // sbb    rcx,QWORD PTR [rbx]
  ['sbb', 64, 'rm_i', -2147483647n, [0x48, 0x81, 0xd9, 0x01, 0x00, 0x00, 0x80]], // sbb    rcx,0xffffffff80000001
  ['sbb', 64, 'acc_i', -2147483647n, [0x48, 0x1d, 0x01, 0x00, 0x00, 0x80]], // sbb    rax,0xffffffff80000001
  ['sbb', 64, 'm_i', -2147483647n, [0x48, 0x81, 0x1b, 0x01, 0x00, 0x00, 0x80]], // sbb    QWORD PTR [rbx],0xffffffff80000001
  ['sbb', 64, 'rm_i', 127n, [0x48, 0x83, 0xd9, 0x7f]], // sbb    rcx,0x7f
  ['sbb', 64, 'm_i', 127n, [0x48, 0x83, 0x1b, 0x7f]], // sbb    QWORD PTR [rbx],0x7f
  ['sbb', 64, 'rm_i', -128n, [0x48, 0x83, 0xd9, 0x80]], // sbb    rcx,0xffffffffffffff80
  ['sbb', 64, 'm_i', -128n, [0x48, 0x83, 0x1b, 0x80]], // sbb    QWORD PTR [rbx],0xffffffffffffff80
  ['and', 8, 'rm_r', 0n, [0x20, 0xd1]], // and    cl,dl
  ['and', 8, 'm_r', 0n, [0x20, 0x13]], // and    BYTE PTR [rbx],dl
  ['and', 8, 'r_rm', 0n, [0x22, 0xca]], // and    cl,dl
  ['and', 8, 'r_m', 0n, [0x22, 0x0b]], // and    cl,BYTE PTR [rbx]
  ['and', 8, 'rm_i', 129n, [0x80, 0xe1, 0x81]], // and    cl,0x81
  ['and', 8, 'acc_i', 129n, [0x24, 0x81]], // and    al,0x81
  ['and', 8, 'm_i', 129n, [0x80, 0x23, 0x81]], // and    BYTE PTR [rbx],0x81
  ['and', 8, 'rm_i', 127n, [0x80, 0xe1, 0x7f]], // and    cl,0x7f
  ['and', 16, 'rm_r', 0n, [0x66, 0x21, 0xd1]], // and    cx,dx
  ['and', 16, 'm_r', 0n, [0x66, 0x21, 0x13]], // and    WORD PTR [rbx],dx
  ['and', 16, 'r_rm', 0n, [0x66, 0x23, 0xca]], // and    cx,dx
  ['and', 16, 'r_m', 0n, [0x66, 0x23, 0x0b]], // and    cx,WORD PTR [rbx]
  ['and', 16, 'rm_i', 32769n, [0x66, 0x81, 0xe1, 0x01, 0x80]], // and    cx,0x8001
  ['and', 16, 'acc_i', 32769n, [0x66, 0x25, 0x01, 0x80]], // and    ax,0x8001
  ['and', 16, 'm_i', 32769n, [0x66, 0x81, 0x23, 0x01, 0x80]], // and    WORD PTR [rbx],0x8001
  ['and', 16, 'rm_i', 127n, [0x66, 0x83, 0xe1, 0x7f]], // and    cx,0x7f
  ['and', 16, 'm_i', 127n, [0x66, 0x83, 0x23, 0x7f]], // and    WORD PTR [rbx],0x7f
  ['and', 16, 'rm_i', -128n, [0x66, 0x83, 0xe1, 0x80]], // and    cx,0xff80
  ['and', 16, 'm_i', -128n, [0x66, 0x83, 0x23, 0x80]], // and    WORD PTR [rbx],0xff80
  ['and', 32, 'rm_r', 0n, [0x21, 0xd1]], // and    ecx,edx
  ['and', 32, 'm_r', 0n, [0x21, 0x13]], // and    DWORD PTR [rbx],edx
  ['and', 32, 'r_rm', 0n, [0x23, 0xca]], // and    ecx,edx
  ['and', 32, 'r_m', 0n, [0x23, 0x0b]], // and    ecx,DWORD PTR [rbx]
  ['and', 32, 'rm_i', 2147483649n, [0x81, 0xe1, 0x01, 0x00, 0x00, 0x80]], // and    ecx,0x80000001
  ['and', 32, 'acc_i', 2147483649n, [0x25, 0x01, 0x00, 0x00, 0x80]], // and    eax,0x80000001
  ['and', 32, 'm_i', 2147483649n, [0x81, 0x23, 0x01, 0x00, 0x00, 0x80]], // and    DWORD PTR [rbx],0x80000001
  ['and', 32, 'rm_i', 127n, [0x83, 0xe1, 0x7f]], // and    ecx,0x7f
  ['and', 32, 'm_i', 127n, [0x83, 0x23, 0x7f]], // and    DWORD PTR [rbx],0x7f
  ['and', 32, 'rm_i', -128n, [0x83, 0xe1, 0x80]], // and    ecx,0xffffff80
  ['and', 32, 'm_i', -128n, [0x83, 0x23, 0x80]], // and    DWORD PTR [rbx],0xffffff80
  ['and', 64, 'rm_r', 0n, [0x48, 0x21, 0xd1]], // and    rcx,rdx
  ['and', 64, 'm_r', 0n, [0x48, 0x21, 0x13]], // and    QWORD PTR [rbx],rdx
  ['and', 64, 'r_rm', 0n, [0x48, 0x23, 0xca]], // and    rcx,rdx
  ['and', 64, 'r_m', 0n, [0x48, 0x23, 0x0b]], // and    rcx,QWORD PTR [rbx]
  ['and', 64, 'rm_i', -2147483647n, [0x48, 0x81, 0xe1, 0x01, 0x00, 0x00, 0x80]], // and    rcx,0xffffffff80000001
  ['and', 64, 'acc_i', -2147483647n, [0x48, 0x25, 0x01, 0x00, 0x00, 0x80]], // and    rax,0xffffffff80000001
  ['and', 64, 'm_i', -2147483647n, [0x48, 0x81, 0x23, 0x01, 0x00, 0x00, 0x80]], // and    QWORD PTR [rbx],0xffffffff80000001
  ['and', 64, 'rm_i', 127n, [0x48, 0x83, 0xe1, 0x7f]], // and    rcx,0x7f
  ['and', 64, 'm_i', 127n, [0x48, 0x83, 0x23, 0x7f]], // and    QWORD PTR [rbx],0x7f
  ['and', 64, 'rm_i', -128n, [0x48, 0x83, 0xe1, 0x80]], // and    rcx,0xffffffffffffff80
  ['and', 64, 'm_i', -128n, [0x48, 0x83, 0x23, 0x80]], // and    QWORD PTR [rbx],0xffffffffffffff80
  ['sub', 8, 'rm_r', 0n, [0x28, 0xd1]], // sub    cl,dl
  ['sub', 8, 'm_r', 0n, [0x28, 0x13]], // sub    BYTE PTR [rbx],dl
  ['sub', 8, 'r_rm', 0n, [0x2a, 0xca]], // sub    cl,dl
  ['sub', 8, 'r_m', 0n, [0x2a, 0x0b]], // sub    cl,BYTE PTR [rbx]
  ['sub', 8, 'rm_i', 129n, [0x80, 0xe9, 0x81]], // sub    cl,0x81
  ['sub', 8, 'acc_i', 129n, [0x2c, 0x81]], // sub    al,0x81
  ['sub', 8, 'm_i', 129n, [0x80, 0x2b, 0x81]], // sub    BYTE PTR [rbx],0x81
  ['sub', 8, 'rm_i', 127n, [0x80, 0xe9, 0x7f]], // sub    cl,0x7f
  ['sub', 16, 'rm_r', 0n, [0x66, 0x29, 0xd1]], // sub    cx,dx
  ['sub', 16, 'm_r', 0n, [0x66, 0x29, 0x13]], // sub    WORD PTR [rbx],dx
  ['sub', 16, 'r_rm', 0n, [0x66, 0x2b, 0xca]], // sub    cx,dx
  ['sub', 16, 'r_m', 0n, [0x66, 0x2b, 0x0b]], // sub    cx,WORD PTR [rbx]
  ['sub', 16, 'rm_i', 32769n, [0x66, 0x81, 0xe9, 0x01, 0x80]], // sub    cx,0x8001
  ['sub', 16, 'acc_i', 32769n, [0x66, 0x2d, 0x01, 0x80]], // sub    ax,0x8001
  ['sub', 16, 'm_i', 32769n, [0x66, 0x81, 0x2b, 0x01, 0x80]], // sub    WORD PTR [rbx],0x8001
  ['sub', 16, 'rm_i', 127n, [0x66, 0x83, 0xe9, 0x7f]], // sub    cx,0x7f
  ['sub', 16, 'm_i', 127n, [0x66, 0x83, 0x2b, 0x7f]], // sub    WORD PTR [rbx],0x7f
  ['sub', 16, 'rm_i', -128n, [0x66, 0x83, 0xe9, 0x80]], // sub    cx,0xff80
  ['sub', 16, 'm_i', -128n, [0x66, 0x83, 0x2b, 0x80]], // sub    WORD PTR [rbx],0xff80
  ['sub', 32, 'rm_r', 0n, [0x29, 0xd1]], // sub    ecx,edx
  ['sub', 32, 'm_r', 0n, [0x29, 0x13]], // sub    DWORD PTR [rbx],edx
  ['sub', 32, 'r_rm', 0n, [0x2b, 0xca]], // sub    ecx,edx
  ['sub', 32, 'r_m', 0n, [0x2b, 0x0b]], // sub    ecx,DWORD PTR [rbx]
  ['sub', 32, 'rm_i', 2147483649n, [0x81, 0xe9, 0x01, 0x00, 0x00, 0x80]], // sub    ecx,0x80000001
  ['sub', 32, 'acc_i', 2147483649n, [0x2d, 0x01, 0x00, 0x00, 0x80]], // sub    eax,0x80000001
  ['sub', 32, 'm_i', 2147483649n, [0x81, 0x2b, 0x01, 0x00, 0x00, 0x80]], // sub    DWORD PTR [rbx],0x80000001
  ['sub', 32, 'rm_i', 127n, [0x83, 0xe9, 0x7f]], // sub    ecx,0x7f
  ['sub', 32, 'm_i', 127n, [0x83, 0x2b, 0x7f]], // sub    DWORD PTR [rbx],0x7f
  ['sub', 32, 'rm_i', -128n, [0x83, 0xe9, 0x80]], // sub    ecx,0xffffff80
  ['sub', 32, 'm_i', -128n, [0x83, 0x2b, 0x80]], // sub    DWORD PTR [rbx],0xffffff80
  ['sub', 64, 'rm_r', 0n, [0x48, 0x29, 0xd1]], // sub    rcx,rdx
  ['sub', 64, 'm_r', 0n, [0x48, 0x29, 0x13]], // sub    QWORD PTR [rbx],rdx
  ['sub', 64, 'r_rm', 0n, [0x48, 0x2b, 0xca]], // sub    rcx,rdx
  ['sub', 64, 'r_m', 0n, [0x48, 0x2b, 0x0b]], // sub    rcx,QWORD PTR [rbx]
  ['sub', 64, 'rm_i', -2147483647n, [0x48, 0x81, 0xe9, 0x01, 0x00, 0x00, 0x80]], // sub    rcx,0xffffffff80000001
  ['sub', 64, 'acc_i', -2147483647n, [0x48, 0x2d, 0x01, 0x00, 0x00, 0x80]], // sub    rax,0xffffffff80000001
  ['sub', 64, 'm_i', -2147483647n, [0x48, 0x81, 0x2b, 0x01, 0x00, 0x00, 0x80]], // sub    QWORD PTR [rbx],0xffffffff80000001
  ['sub', 64, 'rm_i', 127n, [0x48, 0x83, 0xe9, 0x7f]], // sub    rcx,0x7f
  ['sub', 64, 'm_i', 127n, [0x48, 0x83, 0x2b, 0x7f]], // sub    QWORD PTR [rbx],0x7f
  ['sub', 64, 'rm_i', -128n, [0x48, 0x83, 0xe9, 0x80]], // sub    rcx,0xffffffffffffff80
  ['sub', 64, 'm_i', -128n, [0x48, 0x83, 0x2b, 0x80]], // sub    QWORD PTR [rbx],0xffffffffffffff80
  ['xor', 8, 'rm_r', 0n, [0x30, 0xd1]], // xor    cl,dl
  ['xor', 8, 'm_r', 0n, [0x30, 0x13]], // xor    BYTE PTR [rbx],dl
  ['xor', 8, 'r_rm', 0n, [0x32, 0xca]], // xor    cl,dl
  ['xor', 8, 'r_m', 0n, [0x32, 0x0b]], // xor    cl,BYTE PTR [rbx]
  ['xor', 8, 'rm_i', 129n, [0x80, 0xf1, 0x81]], // xor    cl,0x81
  ['xor', 8, 'acc_i', 129n, [0x34, 0x81]], // xor    al,0x81
  ['xor', 8, 'm_i', 129n, [0x80, 0x33, 0x81]], // xor    BYTE PTR [rbx],0x81
  ['xor', 8, 'rm_i', 127n, [0x80, 0xf1, 0x7f]], // xor    cl,0x7f
  ['xor', 16, 'rm_r', 0n, [0x66, 0x31, 0xd1]], // xor    cx,dx
  ['xor', 16, 'm_r', 0n, [0x66, 0x31, 0x13]], // xor    WORD PTR [rbx],dx
  ['xor', 16, 'r_rm', 0n, [0x66, 0x33, 0xca]], // xor    cx,dx
  ['xor', 16, 'r_m', 0n, [0x66, 0x33, 0x0b]], // xor    cx,WORD PTR [rbx]
  ['xor', 16, 'rm_i', 32769n, [0x66, 0x81, 0xf1, 0x01, 0x80]], // xor    cx,0x8001
  ['xor', 16, 'acc_i', 32769n, [0x66, 0x35, 0x01, 0x80]], // xor    ax,0x8001
  ['xor', 16, 'm_i', 32769n, [0x66, 0x81, 0x33, 0x01, 0x80]], // xor    WORD PTR [rbx],0x8001
  ['xor', 16, 'rm_i', 127n, [0x66, 0x83, 0xf1, 0x7f]], // xor    cx,0x7f
  ['xor', 16, 'm_i', 127n, [0x66, 0x83, 0x33, 0x7f]], // xor    WORD PTR [rbx],0x7f
  ['xor', 16, 'rm_i', -128n, [0x66, 0x83, 0xf1, 0x80]], // xor    cx,0xff80
  ['xor', 16, 'm_i', -128n, [0x66, 0x83, 0x33, 0x80]], // xor    WORD PTR [rbx],0xff80
  ['xor', 32, 'rm_r', 0n, [0x31, 0xd1]], // xor    ecx,edx
  ['xor', 32, 'm_r', 0n, [0x31, 0x13]], // xor    DWORD PTR [rbx],edx
  ['xor', 32, 'r_rm', 0n, [0x33, 0xca]], // xor    ecx,edx
  ['xor', 32, 'r_m', 0n, [0x33, 0x0b]], // xor    ecx,DWORD PTR [rbx]
  ['xor', 32, 'rm_i', 2147483649n, [0x81, 0xf1, 0x01, 0x00, 0x00, 0x80]], // xor    ecx,0x80000001
  ['xor', 32, 'acc_i', 2147483649n, [0x35, 0x01, 0x00, 0x00, 0x80]], // xor    eax,0x80000001
  ['xor', 32, 'm_i', 2147483649n, [0x81, 0x33, 0x01, 0x00, 0x00, 0x80]], // xor    DWORD PTR [rbx],0x80000001
  ['xor', 32, 'rm_i', 127n, [0x83, 0xf1, 0x7f]], // xor    ecx,0x7f
  ['xor', 32, 'm_i', 127n, [0x83, 0x33, 0x7f]], // xor    DWORD PTR [rbx],0x7f
  ['xor', 32, 'rm_i', -128n, [0x83, 0xf1, 0x80]], // xor    ecx,0xffffff80
  ['xor', 32, 'm_i', -128n, [0x83, 0x33, 0x80]], // xor    DWORD PTR [rbx],0xffffff80
  ['xor', 64, 'rm_r', 0n, [0x48, 0x31, 0xd1]], // xor    rcx,rdx
  ['xor', 64, 'm_r', 0n, [0x48, 0x31, 0x13]], // xor    QWORD PTR [rbx],rdx
  ['xor', 64, 'r_rm', 0n, [0x48, 0x33, 0xca]], // xor    rcx,rdx
  ['xor', 64, 'r_m', 0n, [0x48, 0x33, 0x0b]], // xor    rcx,QWORD PTR [rbx]
  ['xor', 64, 'rm_i', -2147483647n, [0x48, 0x81, 0xf1, 0x01, 0x00, 0x00, 0x80]], // xor    rcx,0xffffffff80000001
  ['xor', 64, 'acc_i', -2147483647n, [0x48, 0x35, 0x01, 0x00, 0x00, 0x80]], // xor    rax,0xffffffff80000001
  ['xor', 64, 'm_i', -2147483647n, [0x48, 0x81, 0x33, 0x01, 0x00, 0x00, 0x80]], // xor    QWORD PTR [rbx],0xffffffff80000001
  ['xor', 64, 'rm_i', 127n, [0x48, 0x83, 0xf1, 0x7f]], // xor    rcx,0x7f
  ['xor', 64, 'm_i', 127n, [0x48, 0x83, 0x33, 0x7f]], // xor    QWORD PTR [rbx],0x7f
  ['xor', 64, 'rm_i', -128n, [0x48, 0x83, 0xf1, 0x80]], // xor    rcx,0xffffffffffffff80
  ['xor', 64, 'm_i', -128n, [0x48, 0x83, 0x33, 0x80]], // xor    QWORD PTR [rbx],0xffffffffffffff80
  ['cmp', 8, 'rm_r', 0n, [0x38, 0xd1]], // cmp    cl,dl
  ['cmp', 8, 'm_r', 0n, [0x38, 0x13]], // cmp    BYTE PTR [rbx],dl
  ['cmp', 8, 'r_rm', 0n, [0x3a, 0xca]], // cmp    cl,dl
  ['cmp', 8, 'r_m', 0n, [0x3a, 0x0b]], // cmp    cl,BYTE PTR [rbx]
  ['cmp', 8, 'rm_i', 129n, [0x80, 0xf9, 0x81]], // cmp    cl,0x81
  ['cmp', 8, 'acc_i', 129n, [0x3c, 0x81]], // cmp    al,0x81
  ['cmp', 8, 'm_i', 129n, [0x80, 0x3b, 0x81]], // cmp    BYTE PTR [rbx],0x81
  ['cmp', 8, 'rm_i', 127n, [0x80, 0xf9, 0x7f]], // cmp    cl,0x7f
  ['cmp', 16, 'rm_r', 0n, [0x66, 0x39, 0xd1]], // cmp    cx,dx
  ['cmp', 16, 'm_r', 0n, [0x66, 0x39, 0x13]], // cmp    WORD PTR [rbx],dx
  ['cmp', 16, 'r_rm', 0n, [0x66, 0x3b, 0xca]], // cmp    cx,dx
  ['cmp', 16, 'r_m', 0n, [0x66, 0x3b, 0x0b]], // cmp    cx,WORD PTR [rbx]
  ['cmp', 16, 'rm_i', 32769n, [0x66, 0x81, 0xf9, 0x01, 0x80]], // cmp    cx,0x8001
  ['cmp', 16, 'acc_i', 32769n, [0x66, 0x3d, 0x01, 0x80]], // cmp    ax,0x8001
  ['cmp', 16, 'm_i', 32769n, [0x66, 0x81, 0x3b, 0x01, 0x80]], // cmp    WORD PTR [rbx],0x8001
  ['cmp', 16, 'rm_i', 127n, [0x66, 0x83, 0xf9, 0x7f]], // cmp    cx,0x7f
  ['cmp', 16, 'm_i', 127n, [0x66, 0x83, 0x3b, 0x7f]], // cmp    WORD PTR [rbx],0x7f
  ['cmp', 16, 'rm_i', -128n, [0x66, 0x83, 0xf9, 0x80]], // cmp    cx,0xff80
  ['cmp', 16, 'm_i', -128n, [0x66, 0x83, 0x3b, 0x80]], // cmp    WORD PTR [rbx],0xff80
  ['cmp', 32, 'rm_r', 0n, [0x39, 0xd1]], // cmp    ecx,edx
  ['cmp', 32, 'm_r', 0n, [0x39, 0x13]], // cmp    DWORD PTR [rbx],edx
  ['cmp', 32, 'r_rm', 0n, [0x3b, 0xca]], // cmp    ecx,edx
  ['cmp', 32, 'r_m', 0n, [0x3b, 0x0b]], // cmp    ecx,DWORD PTR [rbx]
  ['cmp', 32, 'rm_i', 2147483649n, [0x81, 0xf9, 0x01, 0x00, 0x00, 0x80]], // cmp    ecx,0x80000001
  ['cmp', 32, 'acc_i', 2147483649n, [0x3d, 0x01, 0x00, 0x00, 0x80]], // cmp    eax,0x80000001
  ['cmp', 32, 'm_i', 2147483649n, [0x81, 0x3b, 0x01, 0x00, 0x00, 0x80]], // cmp    DWORD PTR [rbx],0x80000001
  ['cmp', 32, 'rm_i', 127n, [0x83, 0xf9, 0x7f]], // cmp    ecx,0x7f
  ['cmp', 32, 'm_i', 127n, [0x83, 0x3b, 0x7f]], // cmp    DWORD PTR [rbx],0x7f
  ['cmp', 32, 'rm_i', -128n, [0x83, 0xf9, 0x80]], // cmp    ecx,0xffffff80
  ['cmp', 32, 'm_i', -128n, [0x83, 0x3b, 0x80]], // cmp    DWORD PTR [rbx],0xffffff80
  ['cmp', 64, 'rm_r', 0n, [0x48, 0x39, 0xd1]], // cmp    rcx,rdx
  ['cmp', 64, 'm_r', 0n, [0x48, 0x39, 0x13]], // cmp    QWORD PTR [rbx],rdx
  ['cmp', 64, 'r_rm', 0n, [0x48, 0x3b, 0xca]], // cmp    rcx,rdx
  ['cmp', 64, 'r_m', 0n, [0x48, 0x3b, 0x0b]], // cmp    rcx,QWORD PTR [rbx]
  ['cmp', 64, 'rm_i', -2147483647n, [0x48, 0x81, 0xf9, 0x01, 0x00, 0x00, 0x80]], // cmp    rcx,0xffffffff80000001
  ['cmp', 64, 'acc_i', -2147483647n, [0x48, 0x3d, 0x01, 0x00, 0x00, 0x80]], // cmp    rax,0xffffffff80000001
  ['cmp', 64, 'm_i', -2147483647n, [0x48, 0x81, 0x3b, 0x01, 0x00, 0x00, 0x80]], // cmp    QWORD PTR [rbx],0xffffffff80000001
  ['cmp', 64, 'rm_i', 127n, [0x48, 0x83, 0xf9, 0x7f]], // cmp    rcx,0x7f
  ['cmp', 64, 'm_i', 127n, [0x48, 0x83, 0x3b, 0x7f]], // cmp    QWORD PTR [rbx],0x7f
  ['cmp', 64, 'rm_i', -128n, [0x48, 0x83, 0xf9, 0x80]], // cmp    rcx,0xffffffffffffff80
  ['cmp', 64, 'm_i', -128n, [0x48, 0x83, 0x3b, 0x80]], // cmp    QWORD PTR [rbx],0xffffffffffffff80
];

/** TEST (84/85, A8/A9, F6/F7 /0; the last two rows are the /1 alias, hand-encoded). */
export const TEST_ROWS: readonly AluRow[] = [
  ['test', 8, 'rm_r', 0n, [0x84, 0xd1]], // test   cl,dl
  ['test', 8, 'm_r', 0n, [0x84, 0x13]], // test   BYTE PTR [rbx],dl
  ['test', 8, 'rm_i', 129n, [0xf6, 0xc1, 0x81]], // test   cl,0x81
  ['test', 8, 'm_i', 129n, [0xf6, 0x03, 0x81]], // test   BYTE PTR [rbx],0x81
  ['test', 8, 'acc_i', 129n, [0xa8, 0x81]], // test   al,0x81
  ['test', 16, 'rm_r', 0n, [0x66, 0x85, 0xd1]], // test   cx,dx
  ['test', 16, 'm_r', 0n, [0x66, 0x85, 0x13]], // test   WORD PTR [rbx],dx
  ['test', 16, 'rm_i', 32769n, [0x66, 0xf7, 0xc1, 0x01, 0x80]], // test   cx,0x8001
  ['test', 16, 'm_i', 32769n, [0x66, 0xf7, 0x03, 0x01, 0x80]], // test   WORD PTR [rbx],0x8001
  ['test', 16, 'acc_i', 32769n, [0x66, 0xa9, 0x01, 0x80]], // test   ax,0x8001
  ['test', 32, 'rm_r', 0n, [0x85, 0xd1]], // test   ecx,edx
  ['test', 32, 'm_r', 0n, [0x85, 0x13]], // test   DWORD PTR [rbx],edx
  ['test', 32, 'rm_i', 2147483649n, [0xf7, 0xc1, 0x01, 0x00, 0x00, 0x80]], // test   ecx,0x80000001
  ['test', 32, 'm_i', 2147483649n, [0xf7, 0x03, 0x01, 0x00, 0x00, 0x80]], // test   DWORD PTR [rbx],0x80000001
  ['test', 32, 'acc_i', 2147483649n, [0xa9, 0x01, 0x00, 0x00, 0x80]], // test   eax,0x80000001
  ['test', 64, 'rm_r', 0n, [0x48, 0x85, 0xd1]], // test   rcx,rdx
  ['test', 64, 'm_r', 0n, [0x48, 0x85, 0x13]], // test   QWORD PTR [rbx],rdx
  ['test', 64, 'rm_i', -2147483647n, [0x48, 0xf7, 0xc1, 0x01, 0x00, 0x00, 0x80]], // test   rcx,0xffffffff80000001
  ['test', 64, 'm_i', -2147483647n, [0x48, 0xf7, 0x03, 0x01, 0x00, 0x00, 0x80]], // test   QWORD PTR [rbx],0xffffffff80000001
  ['test', 64, 'acc_i', -2147483647n, [0x48, 0xa9, 0x01, 0x00, 0x00, 0x80]], // test   rax,0xffffffff80000001
  ['test', 32, 'rm_i', 2147483649n, [0xf7, 0xc9, 0x01, 0x00, 0x00, 0x80]], // test ecx,0x80000001 (F7 /1)
  ['test', 8, 'm_i', 129n, [0xf6, 0x0b, 0x81]], // test BYTE PTR [rbx],0x81 (F6 /1)
];

export type UnaryOp = 'inc' | 'dec' | 'not' | 'neg';
/** INC/DEC (FE/FF /0 /1), NOT/NEG (F6/F7 /2 /3): r = rCX, m = [rbx]. */
export const UNARY_ROWS: readonly (readonly [UnaryOp, number, 'r' | 'm', readonly number[]])[] = [
  ['inc', 8, 'r', [0xfe, 0xc1]], // inc    cl
  ['inc', 8, 'm', [0xfe, 0x03]], // inc    BYTE PTR [rbx]
  ['inc', 16, 'r', [0x66, 0xff, 0xc1]], // inc    cx
  ['inc', 16, 'm', [0x66, 0xff, 0x03]], // inc    WORD PTR [rbx]
  ['inc', 32, 'r', [0xff, 0xc1]], // inc    ecx
  ['inc', 32, 'm', [0xff, 0x03]], // inc    DWORD PTR [rbx]
  ['inc', 64, 'r', [0x48, 0xff, 0xc1]], // inc    rcx
  ['inc', 64, 'm', [0x48, 0xff, 0x03]], // inc    QWORD PTR [rbx]
  ['dec', 8, 'r', [0xfe, 0xc9]], // dec    cl
  ['dec', 8, 'm', [0xfe, 0x0b]], // dec    BYTE PTR [rbx]
  ['dec', 16, 'r', [0x66, 0xff, 0xc9]], // dec    cx
  ['dec', 16, 'm', [0x66, 0xff, 0x0b]], // dec    WORD PTR [rbx]
  ['dec', 32, 'r', [0xff, 0xc9]], // dec    ecx
  ['dec', 32, 'm', [0xff, 0x0b]], // dec    DWORD PTR [rbx]
  ['dec', 64, 'r', [0x48, 0xff, 0xc9]], // dec    rcx
  ['dec', 64, 'm', [0x48, 0xff, 0x0b]], // dec    QWORD PTR [rbx]
  ['not', 8, 'r', [0xf6, 0xd1]], // not    cl
  ['not', 8, 'm', [0xf6, 0x13]], // not    BYTE PTR [rbx]
  ['not', 16, 'r', [0x66, 0xf7, 0xd1]], // not    cx
  ['not', 16, 'm', [0x66, 0xf7, 0x13]], // not    WORD PTR [rbx]
  ['not', 32, 'r', [0xf7, 0xd1]], // not    ecx
  ['not', 32, 'm', [0xf7, 0x13]], // not    DWORD PTR [rbx]
  ['not', 64, 'r', [0x48, 0xf7, 0xd1]], // not    rcx
  ['not', 64, 'm', [0x48, 0xf7, 0x13]], // not    QWORD PTR [rbx]
  ['neg', 8, 'r', [0xf6, 0xd9]], // neg    cl
  ['neg', 8, 'm', [0xf6, 0x1b]], // neg    BYTE PTR [rbx]
  ['neg', 16, 'r', [0x66, 0xf7, 0xd9]], // neg    cx
  ['neg', 16, 'm', [0x66, 0xf7, 0x1b]], // neg    WORD PTR [rbx]
  ['neg', 32, 'r', [0xf7, 0xd9]], // neg    ecx
  ['neg', 32, 'm', [0xf7, 0x1b]], // neg    DWORD PTR [rbx]
  ['neg', 64, 'r', [0x48, 0xf7, 0xd9]], // neg    rcx
  ['neg', 64, 'm', [0x48, 0xf7, 0x1b]], // neg    QWORD PTR [rbx]
];

/** CMPXCHG (0F B0/B1) and XADD (0F C0/C1): E = rCX or [rbx], G = rDX. */
export const XCHG_ROWS: readonly (readonly ['cmpxchg' | 'xadd', number, 'rm_r' | 'm_r', readonly number[]])[] = [
  ['cmpxchg', 8, 'rm_r', [0x0f, 0xb0, 0xd1]], // cmpxchg cl,dl
  ['cmpxchg', 8, 'm_r', [0x0f, 0xb0, 0x13]], // cmpxchg BYTE PTR [rbx],dl
  ['cmpxchg', 16, 'rm_r', [0x66, 0x0f, 0xb1, 0xd1]], // cmpxchg cx,dx
  ['cmpxchg', 16, 'm_r', [0x66, 0x0f, 0xb1, 0x13]], // cmpxchg WORD PTR [rbx],dx
  ['cmpxchg', 32, 'rm_r', [0x0f, 0xb1, 0xd1]], // cmpxchg ecx,edx
  ['cmpxchg', 32, 'm_r', [0x0f, 0xb1, 0x13]], // cmpxchg DWORD PTR [rbx],edx
  ['cmpxchg', 64, 'rm_r', [0x48, 0x0f, 0xb1, 0xd1]], // cmpxchg rcx,rdx
  ['cmpxchg', 64, 'm_r', [0x48, 0x0f, 0xb1, 0x13]], // cmpxchg QWORD PTR [rbx],rdx
  ['xadd', 8, 'rm_r', [0x0f, 0xc0, 0xd1]], // xadd   cl,dl
  ['xadd', 8, 'm_r', [0x0f, 0xc0, 0x13]], // xadd   BYTE PTR [rbx],dl
  ['xadd', 16, 'rm_r', [0x66, 0x0f, 0xc1, 0xd1]], // xadd   cx,dx
  ['xadd', 16, 'm_r', [0x66, 0x0f, 0xc1, 0x13]], // xadd   WORD PTR [rbx],dx
  ['xadd', 32, 'rm_r', [0x0f, 0xc1, 0xd1]], // xadd   ecx,edx
  ['xadd', 32, 'm_r', [0x0f, 0xc1, 0x13]], // xadd   DWORD PTR [rbx],edx
  ['xadd', 64, 'rm_r', [0x48, 0x0f, 0xc1, 0xd1]], // xadd   rcx,rdx
  ['xadd', 64, 'm_r', [0x48, 0x0f, 0xc1, 0x13]], // xadd   QWORD PTR [rbx],rdx
];

/** MUL/IMUL/DIV/IDIV r/m (F6/F7 /4–/7): r = rCX, m = [rbx]. */
export const MULDIV_ROWS: readonly (readonly ['mul' | 'imul' | 'div' | 'idiv', number, 'r' | 'm', readonly number[]])[] = [
  ['mul', 8, 'r', [0xf6, 0xe1]], // mul    cl
  ['mul', 8, 'm', [0xf6, 0x23]], // mul    BYTE PTR [rbx]
  ['mul', 16, 'r', [0x66, 0xf7, 0xe1]], // mul    cx
  ['mul', 16, 'm', [0x66, 0xf7, 0x23]], // mul    WORD PTR [rbx]
  ['mul', 32, 'r', [0xf7, 0xe1]], // mul    ecx
  ['mul', 32, 'm', [0xf7, 0x23]], // mul    DWORD PTR [rbx]
  ['mul', 64, 'r', [0x48, 0xf7, 0xe1]], // mul    rcx
  ['mul', 64, 'm', [0x48, 0xf7, 0x23]], // mul    QWORD PTR [rbx]
  ['imul', 8, 'r', [0xf6, 0xe9]], // imul   cl
  ['imul', 8, 'm', [0xf6, 0x2b]], // imul   BYTE PTR [rbx]
  ['imul', 16, 'r', [0x66, 0xf7, 0xe9]], // imul   cx
  ['imul', 16, 'm', [0x66, 0xf7, 0x2b]], // imul   WORD PTR [rbx]
  ['imul', 32, 'r', [0xf7, 0xe9]], // imul   ecx
  ['imul', 32, 'm', [0xf7, 0x2b]], // imul   DWORD PTR [rbx]
  ['imul', 64, 'r', [0x48, 0xf7, 0xe9]], // imul   rcx
  ['imul', 64, 'm', [0x48, 0xf7, 0x2b]], // imul   QWORD PTR [rbx]
  ['div', 8, 'r', [0xf6, 0xf1]], // div    cl
  ['div', 8, 'm', [0xf6, 0x33]], // div    BYTE PTR [rbx]
  ['div', 16, 'r', [0x66, 0xf7, 0xf1]], // div    cx
  ['div', 16, 'm', [0x66, 0xf7, 0x33]], // div    WORD PTR [rbx]
  ['div', 32, 'r', [0xf7, 0xf1]], // div    ecx
  ['div', 32, 'm', [0xf7, 0x33]], // div    DWORD PTR [rbx]
  ['div', 64, 'r', [0x48, 0xf7, 0xf1]], // div    rcx
  ['div', 64, 'm', [0x48, 0xf7, 0x33]], // div    QWORD PTR [rbx]
  ['idiv', 8, 'r', [0xf6, 0xf9]], // idiv   cl
  ['idiv', 8, 'm', [0xf6, 0x3b]], // idiv   BYTE PTR [rbx]
  ['idiv', 16, 'r', [0x66, 0xf7, 0xf9]], // idiv   cx
  ['idiv', 16, 'm', [0x66, 0xf7, 0x3b]], // idiv   WORD PTR [rbx]
  ['idiv', 32, 'r', [0xf7, 0xf9]], // idiv   ecx
  ['idiv', 32, 'm', [0xf7, 0x3b]], // idiv   DWORD PTR [rbx]
  ['idiv', 64, 'r', [0x48, 0xf7, 0xf9]], // idiv   rcx
  ['idiv', 64, 'm', [0x48, 0xf7, 0x3b]], // idiv   QWORD PTR [rbx]
];

/** IMUL r, r/m (0F AF) and IMUL r, r/m, imm (69, 6B): destination rCX, source rDX or [rbx]. */
export const IMUL_ROWS: readonly (readonly ['r_rm' | 'r_m' | 'r_rm_i' | 'r_m_i', number, bigint, readonly number[]])[] = [
  ['r_rm', 16, 0n, [0x66, 0x0f, 0xaf, 0xca]], // imul   cx,dx
  ['r_m', 16, 0n, [0x66, 0x0f, 0xaf, 0x0b]], // imul   cx,WORD PTR [rbx]
  ['r_rm_i', 16, 32765n, [0x66, 0x69, 0xca, 0xfd, 0x7f]], // imul   cx,dx,0x7ffd
  ['r_m_i', 16, 32765n, [0x66, 0x69, 0x0b, 0xfd, 0x7f]], // imul   cx,WORD PTR [rbx],0x7ffd
  ['r_rm_i', 16, -3n, [0x66, 0x6b, 0xca, 0xfd]], // imul   cx,dx,0xfffd
  ['r_m_i', 16, 100n, [0x66, 0x6b, 0x0b, 0x64]], // imul   cx,WORD PTR [rbx],0x64
  ['r_rm', 32, 0n, [0x0f, 0xaf, 0xca]], // imul   ecx,edx
  ['r_m', 32, 0n, [0x0f, 0xaf, 0x0b]], // imul   ecx,DWORD PTR [rbx]
  ['r_rm_i', 32, 2147483645n, [0x69, 0xca, 0xfd, 0xff, 0xff, 0x7f]], // imul   ecx,edx,0x7ffffffd
  ['r_m_i', 32, 2147483645n, [0x69, 0x0b, 0xfd, 0xff, 0xff, 0x7f]], // imul   ecx,DWORD PTR [rbx],0x7ffffffd
  ['r_rm_i', 32, -3n, [0x6b, 0xca, 0xfd]], // imul   ecx,edx,0xfffffffd
  ['r_m_i', 32, 100n, [0x6b, 0x0b, 0x64]], // imul   ecx,DWORD PTR [rbx],0x64
  ['r_rm', 64, 0n, [0x48, 0x0f, 0xaf, 0xca]], // imul   rcx,rdx
  ['r_m', 64, 0n, [0x48, 0x0f, 0xaf, 0x0b]], // imul   rcx,QWORD PTR [rbx]
  ['r_rm_i', 64, -2147483645n, [0x48, 0x69, 0xca, 0x03, 0x00, 0x00, 0x80]], // imul   rcx,rdx,0xffffffff80000003
  ['r_m_i', 64, -2147483645n, [0x48, 0x69, 0x0b, 0x03, 0x00, 0x00, 0x80]], // imul   rcx,QWORD PTR [rbx],0xffffffff80000003
  ['r_rm_i', 64, -3n, [0x48, 0x6b, 0xca, 0xfd]], // imul   rcx,rdx,0xfffffffffffffffd
  ['r_m_i', 64, 100n, [0x48, 0x6b, 0x0b, 0x64]], // imul   rcx,QWORD PTR [rbx],0x64
];
