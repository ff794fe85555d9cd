// Structure of a .pol file. Statements are deliberately generic
// (`head argument* [if condition]`): the binder knows each statement's shape,
// so it can say "unknown statement `memroy`; did you mean `memory`?" instead of
// a bare syntax error, and keywords stay unreserved.
parser grammar PolcParser;

options { tokenVocab = PolcLexer; }

file
    : sep* (topLevel (sep+ topLevel)*)? sep* EOF
    ;

sep : NEWLINE | SEMI ;

topLevel
    : policyDecl
    | groupDecl
    ;

policyDecl
    : POLICY word (EXTENDS NEWLINE* baseRef (COMMA NEWLINE* baseRef)*)? LBRACE body RBRACE
    ;

baseRef : word | STRING ;

groupDecl
    : GROUP GROUP_NAME ASSIGN NEWLINE* groupMember (COMMA NEWLINE* groupMember)*
    ;

groupMember : word | GROUP_NAME ;

body
    : sep* (bodyItem (sep+ bodyItem)*)? sep*
    ;

// A `group` inside a policy is parsed so the binder can say where it belongs.
bodyItem
    : groupDecl
    | section
    | statement
    ;

section
    : word LBRACE sectionBody RBRACE
    ;

// Sections cannot nest; a nested one is parsed anyway so the binder can say so precisely.
sectionBody
    : sep* (sectionItem (sep+ sectionItem)*)? sep*
    ;

sectionItem
    : section
    | statement
    ;

statement
    : word statementItem* (IF condition)?
    ;

statementItem
    : COMMA NEWLINE*
    | argument
    ;

argument
    : word LPAREN NEWLINE* (valueExpr (COMMA NEWLINE* valueExpr)*)? NEWLINE* RPAREN  # callArgument
    | word                                                                           # wordArgument
    | NUMBER                                                                         # numberArgument
    | DECIMAL                                                                        # decimalArgument
    | SIZE                                                                           # sizeArgument
    | RANGE                                                                          # rangeArgument
    | STRING                                                                         # stringArgument
    | GROUP_NAME                                                                     # groupArgument
    | ARROW                                                                          # arrowArgument
    | valueList                                                                      # listArgument
    ;

condition : orCondition ;

orCondition
    : andCondition (OROR NEWLINE* andCondition)*
    ;

andCondition
    : notCondition (ANDAND NEWLINE* notCondition)*
    ;

notCondition
    : BANG notCondition                                    # negation
    | LPAREN NEWLINE* orCondition NEWLINE* RPAREN          # parenthesized
    | comparison                                           # comparisonCondition
    ;

comparison
    : operand compareOp valueExpr     # compare
    | operand NOT? IN valueList       # membership
    ;

operand : word (AMP valueTerm)? ;

compareOp : EQ | NE | LT | LE | GT | GE ;

valueExpr : valueTerm (PIPE valueTerm)* ;

valueTerm
    : NUMBER
    | word
    | LPAREN valueExpr RPAREN
    ;

valueList
    : LBRACK NEWLINE* (valueExpr (COMMA NEWLINE* valueExpr)* COMMA?)? NEWLINE* RBRACK
    ;

// Words that are keywords in one place stay usable as names everywhere else.
word : IDENTIFIER | POLICY | EXTENDS | GROUP | IN | NOT ;
