/**
 * The BTF reader as a fuzz target: mutated raw BTF must be read completely — the context structs and
 * every type's C text and size, as the capture reads them — or end in a BtfError.
 */
import { mutateBytes, type FuzzTarget } from '../fuzz/fuzz.ts';
import { declare, sizeOf, unqualified } from './c-type.ts';
import { contextStructs } from './context-structs.ts';
import { BtfError, BtfKind, parseBtf, type Btf } from './read.ts';

/** Everything the capture does with a BTF object, over every type. */
export function readAllTypes(btf: Btf): void {
	contextStructs(btf, 'fuzzed');
	for (let id = btf.firstId; id < btf.firstId + btf.count; id++) {
		const t = btf.get(id);
		if (t.kind === BtfKind.FUNC || t.kind === BtfKind.DATASEC || t.kind === BtfKind.VAR || t.kind === BtfKind.DECL_TAG) continue;
		declare(btf, t.id, 'x');
		unqualified(btf, t);
		try {
			sizeOf(btf, t.id, 8);
		} catch (error) {
			// Some kinds have no size (void); that refusal must still be a BtfError.
			if (!(error instanceof BtfError)) throw error;
		}
	}
}

/** Mutations of `seeds` (raw BTF); with `base`, they are read as a module's split BTF on top of it. */
export function btfReaderTarget(seeds: readonly Uint8Array[], base: Btf | null = null): FuzzTarget<Uint8Array> {
	return {
		name: base ? 'parseBtf (split)' : 'parseBtf',
		seeds,
		mutate: mutateBytes,
		read: (bytes) => readAllTypes(parseBtf(bytes, 'fuzzed.btf', base)),
		isClean: (error) => error instanceof BtfError,
	};
}
