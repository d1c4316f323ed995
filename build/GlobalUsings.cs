// The layers of the build (docs/architecture.md, Folders): the matrix, the rules (pure decisions), the model and its
// files, the tool wrappers. Every file of the build sees all four; the host, CI and retention namespaces are imported
// where used.
global using Pipeline.Matrix;
global using Pipeline.Model;
global using Pipeline.Rules;
global using Pipeline.Tools;
