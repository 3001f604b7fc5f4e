// Lexical scopes of the elaborator: block bodies and `for` bodies nest; `x = …` updates the
// nearest enclosing binding, `let x = …` makes a new one.
import type { Span } from '../diagnostics/span.js';
import type { Value } from './values.js';

export interface Binding {
  value: Value;
  span?: Span; // where it was defined (absent for globals made by the compiler)
}

export class Scope {
  private readonly vars = new Map<string, Binding>();
  constructor(
    readonly parent?: Scope,
    /** Globals (module members, builtins) cannot be assigned to. */
    readonly isGlobal = false,
  ) {}

  define(name: string, binding: Binding): void {
    this.vars.set(name, binding);
  }

  hasOwn(name: string): boolean {
    return this.vars.has(name);
  }

  lookup(name: string): Binding | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }

  /** Update the nearest non-global binding; false when there is none. */
  assign(name: string, value: Value): boolean {
    if (this.isGlobal) return false;
    const b = this.vars.get(name);
    if (b) {
      b.value = value;
      return true;
    }
    return this.parent?.assign(name, value) ?? false;
  }

  /** Every visible name, innermost first (for "did you mean"). */
  names(): string[] {
    return [...this.vars.keys(), ...(this.parent?.names() ?? [])];
  }

  /** The names `assign` accepts, innermost first: the visible ones, globals (blocks, modules, builtins) left out. */
  assignable(): string[] {
    return this.isGlobal ? [] : [...this.vars.keys(), ...(this.parent?.assignable() ?? [])];
  }
}
