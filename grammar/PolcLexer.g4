// Tokens of the polc policy language (language reference: docs/language.md).
// Keywords are few on purpose: statement heads such as `allow`, `kill` or `memory`
// are plain identifiers, so a syscall named `kill` or `log` stays usable.
lexer grammar PolcLexer;

channels { COMMENTS }

POLICY  : 'policy';
EXTENDS : 'extends';
GROUP   : 'group';
IF      : 'if';
IN      : 'in';
NOT     : 'not';

// Numbers come before SIZE so that `0x1f` is a hex number, not `0` with unit `x1f`.
NUMBER
    : '0' [xX] [0-9a-fA-F_]+
    | '0' [oO] [0-7_]+
    | '0' [bB] [01_]+
    | DIGITS
    ;
DECIMAL : DIGITS '.' DIGITS;
// A number with any unit letters; the binder checks the unit and suggests a fix.
SIZE    : DIGITS ('.' DIGITS)? [A-Za-z]+ ('/s')?;
RANGE   : DIGITS '-' DIGITS;

GROUP_NAME : '@' IDENT_START IDENT_PART*;
IDENTIFIER : IDENT_START IDENT_PART*;

STRING            : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"';
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])*;

ARROW  : '->';
OROR   : '||';
ANDAND : '&&';
EQ     : '==';
NE     : '!=';
LE     : '<=';
GE     : '>=';
LT     : '<';
GT     : '>';
BANG   : '!';
AMP    : '&';
PIPE   : '|';
ASSIGN : '=';
LPAREN : '(';
RPAREN : ')';
LBRACK : '[';
RBRACK : ']';
LBRACE : '{';
RBRACE : '}';
COMMA  : ',';
SEMI   : ';';

NEWLINE : '\r'? '\n' | '\r';
COMMENT : '#' ~[\r\n]* -> channel(COMMENTS);
WS      : [ \t\f\u00A0\uFEFF]+ -> channel(HIDDEN);

// Anything else becomes one token the parser rejects with a clear message,
// so the lexer itself never fails, whatever the input.
BAD_CHAR : .;

fragment DIGITS      : [0-9] [0-9_]*;
fragment IDENT_START : [A-Za-z_];
fragment IDENT_PART  : [A-Za-z0-9_.\-];
